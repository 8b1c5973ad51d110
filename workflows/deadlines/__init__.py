"""The clock for every family: the rule book (rules), deadlines of subjects and steps (compute), the alert
ladder and colour levels (ladder), 督办单 (orders), extension and suspension requests and resumption (requests),
recomputation (recompute) and the hooks the open-work projection calls (hooks).

Import the submodules you need; this package imports nothing eagerly.
"""
