"""Working-day calendar (工作日历) for deadlines.

The pure API is imported eagerly. The database helpers (``load_calendar``, ``set_override``,
``remove_override``, ``mark_year_complete``) live in ``workflows.calendar.store`` and are loaded
lazily on first attribute access, so that importing this package never requires the models.
"""

from workflows.calendar.workcalendar import (
    LOCAL_TZ,
    OFFICIAL,
    OVERRIDDEN,
    PACKAGE_FIRST_YEAR,
    PACKAGE_LAST_YEAR,
    PROVISIONAL,
    UNITS,
    Deadline,
    WorkCalendar,
    end_of_local_day,
    local_day,
    package_knows_year,
)

_STORE_NAMES = ("load_calendar", "set_override", "remove_override", "mark_year_complete")

__all__ = [
    "LOCAL_TZ",
    "OFFICIAL",
    "OVERRIDDEN",
    "PACKAGE_FIRST_YEAR",
    "PACKAGE_LAST_YEAR",
    "PROVISIONAL",
    "UNITS",
    "Deadline",
    "WorkCalendar",
    "end_of_local_day",
    "local_day",
    "package_knows_year",
    *_STORE_NAMES,
]


def __getattr__(name: str):
    if name in _STORE_NAMES:
        from workflows.calendar import store

        return getattr(store, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
