"""The one clock the service reads, in UTC, which tests can set."""

import datetime

_override = None


def now():
    """Return the current time as a naive UTC datetime (how the database stores it)."""
    if _override is not None:
        return _override()
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def set_clock(func):
    """Make `now()` return `func()`; `None` restores the real clock."""
    global _override
    _override = func


class FrozenClock:
    """A settable clock for tests: `clock.advance(days=5)`."""

    def __init__(self, start=None):
        self.current = start or datetime.datetime(2026, 1, 5, 9, 0, 0)

    def __call__(self):
        return self.current

    def advance(self, **delta):
        self.current += datetime.timedelta(**delta)
        return self.current
