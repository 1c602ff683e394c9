"""The benchmark's side of the database: opening it, bulk loading, and saying what it is.

Bulk loading goes through each store's own fast path rather than one ORM save per row:
`executemany` of one prepared INSERT on SQLite, `COPY … FROM STDIN` on PostgreSQL. Secondary
indexes are dropped before a load into empty tables and built once afterwards, which is
several times faster than keeping them up to date row by row.
"""

import io
import os
import sys

import peewee as pw

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from server.extensions import migrate, open_database  # noqa: E402
from server.models import MODELS, database  # noqa: E402


def default_sqlite_url(customers):
    """Where a benchmark SQLite database of this size lives unless told otherwise."""
    folder = os.path.join(ROOT, "instance", "bench")
    os.makedirs(folder, exist_ok=True)
    return "sqlite:///" + os.path.join(folder, f"bench-{customers}.sqlite3")


def store_name(url):
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def open_and_migrate(url):
    """Connect the models to `url` and apply the service's migrations (as `flask migrate` does)."""
    if url.startswith("sqlite:///"):
        os.makedirs(os.path.dirname(url[len("sqlite:///") :]) or ".", exist_ok=True)
    open_database(url)
    database.connect(reuse_if_open=True)
    migrate()
    return database


def is_postgres():
    return isinstance(database.obj, pw.PostgresqlDatabase)


def tables():
    return [model._meta.table_name for model in MODELS]


class Loader:
    """Bulk inserts of plain tuples into one table at a time, inside the caller's transaction."""

    def __init__(self):
        self.postgres = is_postgres()
        self.rows = 0

    def prepare(self):
        """Session settings for a bulk load: no per-row durability or foreign-key checks.

        The seed writes ids that are consistent by construction; the service's own
        connections keep every check.
        """
        if self.postgres:
            database.execute_sql("SET synchronous_commit = off")
            database.execute_sql("SET session_replication_role = replica")
            database.execute_sql("SET maintenance_work_mem = '512MB'")
        else:
            database.execute_sql("PRAGMA foreign_keys = OFF")
            database.execute_sql("PRAGMA synchronous = OFF")
            database.execute_sql("PRAGMA cache_size = -262144")  # 256 MiB

    def finish(self):
        if self.postgres:
            database.execute_sql("SET session_replication_role = DEFAULT")
        else:
            database.execute_sql("PRAGMA foreign_keys = ON")
            database.execute_sql("PRAGMA synchronous = NORMAL")

    def insert(self, table, columns, rows):
        if not rows:
            return
        quoted = ", ".join(f'"{column}"' for column in columns)
        if self.postgres:
            buffer = io.StringIO("\n".join("\t".join(map(_copy_text, row)) for row in rows))
            cursor = database.cursor()
            cursor.copy_expert(f'COPY "{table}" ({quoted}) FROM STDIN', buffer)
        else:
            marks = ", ".join("?" * len(columns))
            database.cursor().executemany(
                f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', rows
            )
        self.rows += len(rows)


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value):
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value).translate(_ESCAPES)


def next_ids():
    """The first free id of every table, so a seed can add to a database that has rows."""
    result = {}
    for model in MODELS:
        if isinstance(model._meta.primary_key, pw.AutoField):
            top = model.select(pw.fn.MAX(model.id)).scalar() or 0
            result[model._meta.table_name] = top + 1
    return result


def secondary_indexes(table_names):
    """(name, CREATE statement) of each index no constraint owns, as the migrations made it."""
    if is_postgres():
        cursor = database.execute_sql(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace "
            "WHERE n.nspname = current_schema() AND t.relname = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)",
            (list(table_names),),
        )
    else:
        marks = ", ".join("?" * len(table_names))
        cursor = database.execute_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks})",
            list(table_names),
        )
    return list(cursor.fetchall())


def drop_indexes(indexes):
    for name, _ in indexes:
        database.execute_sql(f'DROP INDEX IF EXISTS "{name}"')


def build_indexes(indexes):
    for _, statement in indexes:
        database.execute_sql(statement)


def after_load(next_free):
    """Statistics for the planner and, on PostgreSQL, sequences past the ids the seed wrote."""
    if is_postgres():
        for table in next_free:
            database.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT GREATEST(MAX(id), 1) FROM "{table}"))'
            )
        # VACUUM too: after COPY no page is marked all-visible, so every index-only scan
        # (the search words) would still read the table (EXPLAIN ANALYZE: "Heap Fetches").
        database.execute_sql("VACUUM ANALYZE")
    else:
        database.execute_sql("ANALYZE")


def git_commit():
    """The commit the benchmark ran on (with `+dirty` when the work tree has changes)."""
    import subprocess

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def machine():
    """What the numbers were measured on."""
    import platform

    model = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        "system": platform.platform(),
    }
