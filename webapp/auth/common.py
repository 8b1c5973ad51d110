"""Security settings read from the app's config once per request, for the domain functions that take them."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, request

from workflows import login, passwords


def policy() -> passwords.Policy:
    cfg = current_app.config
    return passwords.Policy(min_length=cfg["PASSWORD_MIN_LENGTH"], history=cfg["PASSWORD_HISTORY"],
                            max_age_days=cfg["PASSWORD_MAX_AGE_DAYS"])


def limits() -> login.Limits:
    cfg = current_app.config
    return login.Limits(threshold=cfg["LOCKOUT_THRESHOLD"], window=timedelta(minutes=cfg["LOCKOUT_WINDOW_MINUTES"]),
                        lock=timedelta(minutes=cfg["LOCKOUT_MINUTES"]), address_failures=cfg["ADDRESS_FAILURE_LIMIT"])


def client_address() -> str:
    """The client's address as the WSGI server sees it (behind nginx, deploy with ProxyFix / X-Real-IP)."""
    return (request.remote_addr or "unknown")[:64]
