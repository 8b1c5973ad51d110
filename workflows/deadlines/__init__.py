"""Deadlines as a first-class part of Duban: clock rules, the alert ladder (临期预警 → 超期 → 升级),
extension requests (延期申请), suspension (挂起), urges (催办) and provisional recomputation.

Import the submodules you need (rules, ladder, clock, registry, recompute); this package imports nothing
eagerly so that `workflows.worklist` can call its hooks without import cycles.
"""
