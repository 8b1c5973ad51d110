"""Supervision results (监督结果运用): score rules, the derived ledger, appeals, assessment periods, commendation,
the personal record and the leaders' dashboard. Reads the uniform records of every family, never a family's own
tables."""
