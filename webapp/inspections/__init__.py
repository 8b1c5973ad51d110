"""Routine supervision pages: rounds, score sheets, findings, task list, templates, register, ledger, training."""
