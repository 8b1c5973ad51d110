"""Routine supervision: the annual task list, templates, inspection rounds, findings and their rectification,
the case-file register, 三级督察 and its ledger, training sessions."""
