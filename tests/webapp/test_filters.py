"""Deadline colours follow the ladder stage and the clock."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import NOW
from webapp.filters import due_state


def test_colours():
    assert due_state(None) == "normal"
    assert due_state(NOW + timedelta(days=5), 0, NOW) == "normal"
    assert due_state(NOW + timedelta(days=5), 1, NOW) == "near", "yellow warning reached"
    assert due_state(NOW + timedelta(days=2), 2, NOW) == "red", "red warning reached"
    assert due_state(NOW + timedelta(hours=3), 0, NOW) == "near", "last 24 hours even before a tick"
    assert due_state(NOW - timedelta(minutes=1), 0, NOW) == "overdue", "a passed deadline before a tick"
    assert due_state(NOW + timedelta(days=1), 3, NOW) == "overdue"
