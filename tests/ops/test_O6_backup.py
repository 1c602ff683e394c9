"""O6: `flask --app server backup PATH` copies the SQLite database while the service writes,
and the copy is whole: integrity checked, every transaction in it complete or absent."""

import sqlite3
import threading

import peewee as pw
import pytest

from server.models import Customer, database
from server.services import customers
from tests.waiting import wait_until


@pytest.fixture
def sqlite_only(app):
    if not isinstance(database.obj, pw.SqliteDatabase):
        pytest.skip("the online backup is SQLite's; PostgreSQL's is pg_dump")


def test_O6_backup_while_writers_write(app, sqlite_only, tmp_path, db):
    stop = threading.Event()
    written = []
    errors = []

    def writer(number):
        try:
            with database.connection_context():
                while not stop.is_set():
                    # One unit of work: the customer and its change-log row, both or neither.
                    made = customers.create_customer(
                        "agent1", {"name": f"Writer {number} #{len(written)}"}
                    )
                    written.append(made.id)
        except Exception as error:  # the test fails below, naming it
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    try:
        wait_until(lambda: len(written) >= 30, 20, message="writers under way")
        target = tmp_path / "backup.sqlite3"
        result = app.test_cli_runner().invoke(args=["backup", str(target)])
        during = len(written)
        wait_until(lambda: len(written) >= during + 10, 20, message="writers going on")
    finally:
        stop.set()
        for thread in threads:
            thread.join(20)
    assert not errors, errors
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output

    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        copied = copy.execute("SELECT COUNT(*) FROM customer").fetchone()[0]
        created = copy.execute(
            "SELECT COUNT(*) FROM change WHERE kind = 'customer' AND action = 'created'"
        ).fetchone()[0]
        orphans = copy.execute(
            "SELECT COUNT(*) FROM customer WHERE id NOT IN (SELECT record_id FROM change "
            "WHERE kind = 'customer')"
        ).fetchone()[0]
    finally:
        copy.close()
    assert 30 <= copied < Customer.select().count()  # a moment during the writing
    assert created == copied and orphans == 0  # no transaction half in the copy


def test_O6_backup_refuses_a_path_it_cannot_write(app, sqlite_only, tmp_path):
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "no" / "such.db")])
    assert result.exit_code != 0
