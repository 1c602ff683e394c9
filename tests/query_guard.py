"""Only `server/services/` (and migrations) query the database: every test checks it.

Each SQL statement the service sends is traced back to the first `server.*` module on the
stack. A statement sent on behalf of an adapter (the API, the widget, the socket, jobs, CLI
commands) or a template (a lazy foreign key read while rendering) fails the test that caused
it, naming the module and line. Statements a test sends itself, with no `server` frame, are
its own business.
"""

import sys
import threading

import pytest

from server.models import database

ALLOWED = ("server.services.", "server.migrations.", "playhouse.migrations")
IGNORED = ("server.models",)  # model classes themselves: the caller is what counts

_violations = []
_lock = threading.Lock()


def caller_of_sql():
    """The module (and line) of the first frame that decided to query, or None for a test."""
    frame = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith(ALLOWED):
            return None
        if module.startswith("server.") and not module.startswith(IGNORED):
            return f"{module}:{frame.f_lineno} ({frame.f_code.co_name})"
        frame = frame.f_back
    return None


@pytest.fixture(scope="session", autouse=True)
def _guard_queries(app):
    db = database.obj
    original = db.execute_sql

    def execute_sql(sql, params=None, *args, **kwargs):
        caller = caller_of_sql()
        if caller is not None:
            with _lock:
                _violations.append(f"{caller}: {sql[:120]}")
        return original(sql, params, *args, **kwargs)

    db.execute_sql = execute_sql
    yield
    del db.execute_sql


@pytest.fixture(autouse=True)
def only_services_query(_guard_queries):
    """Fails a test during which anything but a service queried the database."""
    with _lock:
        _violations.clear()
    yield
    with _lock:
        found, _violations[:] = list(_violations), []
    assert not found, "queries outside server/services/:\n" + "\n".join(found)
