"""A consistent copy of the SQLite database while the service writes (O6).

SQLite's online backup API (`sqlite3.Connection.backup`) copies the database page by page
through the service's own connection. Copied in one step, it reads one snapshot: with the
write-ahead log, writers go on meanwhile and none of their half-done transactions is in the
copy. PostgreSQL has its own tools (pg_dump; docs/operations.md).
"""

import os
import sqlite3
import tempfile

import peewee as pw

from server.models import MODELS, database


class NotSqlite(Exception):
    """The database is not SQLite: the online backup is SQLite's."""


def backup_sqlite(path):
    """Copy the database to `path` (written whole, then renamed into place); return the
    copy's row counts per table after checking its integrity."""
    db = database.obj
    if not isinstance(db, pw.SqliteDatabase):
        raise NotSqlite(type(db).__name__)
    path = os.path.abspath(path)
    directory = os.path.dirname(path)
    fd, partial = tempfile.mkstemp(prefix=".backup-", suffix=".sqlite3", dir=directory)
    os.close(fd)
    try:
        target = sqlite3.connect(partial)
        try:
            with database.connection_context():
                db.connection().backup(target)  # pages=-1: one step, one snapshot
            check = target.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"the copy failed its integrity check: {check}")
            counts = {
                model._meta.table_name: target.execute(
                    f'SELECT COUNT(*) FROM "{model._meta.table_name}"'
                ).fetchone()[0]
                for model in MODELS
            }
        finally:
            target.close()
        os.replace(partial, path)
    except BaseException:
        if os.path.exists(partial):
            os.unlink(partial)
        raise
    return counts
