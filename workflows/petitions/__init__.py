"""Repeat petitions (重复信访/投诉件): intake, repeat detection, handling, callbacks, spot checks, ledger import."""
