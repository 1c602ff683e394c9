"""Bare singletons, initialised in the app factory."""

import os

import redis
from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_sock import Sock
from playhouse.db_url import connect as connect_url
from playhouse.db_url import parse as parse_url
from playhouse.migrations import Runner

from server.models import database
from server.sqlite_writers import QueuedWritersSqliteDatabase

sock = Sock()


def _caller():
    """Rate limits count per address and claimed user: one agent's typos don't lock out a site."""
    body = request.get_json(silent=True) if request.is_json else None
    claimed = ""
    if isinstance(body, dict):
        for kind, key in (("finesse", "id"), ("local", "username")):
            if isinstance(body.get(kind), dict):
                claimed = str(body[kind].get(key, ""))[:100]
    return f"{get_remote_address()}|{claimed}"


limiter = Limiter(key_func=_caller, default_limits=[])

MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")


def sqlite_url(app):
    """The default store: a SQLite file in the instance folder."""
    return "sqlite:///" + os.path.join(app.instance_path, "context-desk.sqlite3")


def open_database(url):
    """Connect the models' database proxy to `url` (SQLite or PostgreSQL)."""
    if url.startswith("sqlite"):
        # Writers queue for SQLite's one write lock in arrival order (server/sqlite_writers.py).
        db = QueuedWritersSqliteDatabase(
            **parse_url(url),
            pragmas={
                "journal_mode": "wal",
                "busy_timeout": 5000,
                "foreign_keys": 1,
                "synchronous": "normal",
            },
            lock_type="IMMEDIATE",
        )  # a transaction that reads, then writes, must not meet a
        # newer writer's snapshot: deferred ones then fail at once with "database is locked"
    else:
        # A pool: every request borrows a connection rather than opening one.
        url = url.replace("postgresql://", "postgresql+pool://", 1).replace(
            "postgres://", "postgresql+pool://", 1
        )
        db = connect_url(
            url, max_connections=int(os.environ.get("DB_POOL_SIZE", "40")), stale_timeout=300
        )
    database.initialize(db)
    return db


def migrate(redis_client=None):
    """Apply pending migrations; a Redis lock keeps two `flask migrate`s from racing."""
    runner = Runner(database.obj, directory=MIGRATIONS)
    if redis_client is None:
        return runner.up()
    with redis_client.lock("context-desk:migrate", timeout=120, blocking_timeout=120):
        return runner.up()


def pending_migrations():
    """The names of the migrations not yet applied to the database, in order."""
    runner = Runner(database.obj, directory=MIGRATIONS)
    return [m.name for m in runner.status() if m.path is not None and not m.applied]


class RedisStore:
    """The Redis connection to `REDIS_URL` (`make run` starts an embedded server for it)."""

    def __init__(self):
        self.client = None
        self.url = None

    def init_app(self, app):
        url = app.config["REDIS_URL"]
        self.url = url
        self.client = redis.Redis.from_url(url, health_check_interval=30)
        app.extensions["redis"] = self
        app.config.setdefault("RATELIMIT_STORAGE_URI", limits_storage_uri(url))


def limits_storage_uri(url):
    """The `limits` library spells a Redis unix socket `redis+unix://`."""
    return url.replace("unix://", "redis+unix://", 1) if url.startswith("unix://") else url


redis_store = RedisStore()


def redis_client():
    """The shared Redis client (for services and jobs that run outside a request)."""
    return redis_store.client


def check_migrations():
    """Refuse to serve a database with pending migrations (`flask --app server migrate`)."""
    from server.config import ConfigError

    with database.connection_context():
        pending = pending_migrations()
    if pending:
        raise ConfigError(
            f"the database has {len(pending)} pending migration(s), {', '.join(pending)} "
            "(run `flask --app server migrate`)"
        )
