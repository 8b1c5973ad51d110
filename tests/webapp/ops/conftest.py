"""The committed-data fixture of the concurrency suite, for the restore drill."""

from tests.concurrency.conftest import committed  # noqa: F401
