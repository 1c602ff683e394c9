"""Bare singletons, initialised in the app factory."""
import atexit
import os

import redis
from flask_sock import Sock
from playhouse.db_url import connect as connect_url
from playhouse.migrations import Runner

from server.models import database

sock = Sock()

MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")


def sqlite_url(app):
    """The default store: a SQLite file in the instance folder."""
    return "sqlite:///" + os.path.join(app.instance_path, "context-desk.sqlite3")


def open_database(url):
    """Connect the models' database proxy to `url` (SQLite or PostgreSQL)."""
    if url.startswith("sqlite"):
        db = connect_url(url, pragmas={
            "journal_mode": "wal",
            "busy_timeout": 5000,
            "foreign_keys": 1,
            "synchronous": "normal",
        })
    else:
        # A pool: every request borrows a connection rather than opening one.
        url = url.replace("postgresql://", "postgresql+pool://", 1).replace(
            "postgres://", "postgresql+pool://", 1)
        db = connect_url(url, max_connections=int(os.environ.get("DB_POOL_SIZE", "40")),
                         stale_timeout=300)
    database.initialize(db)
    return db


def migrate(redis_client=None):
    """Apply pending migrations; a Redis lock keeps several starting processes from racing."""
    runner = Runner(database.obj, directory=MIGRATIONS)
    if redis_client is None:
        return runner.up()
    with redis_client.lock("context-desk:migrate", timeout=120, blocking_timeout=120):
        return runner.up()


class RedisStore:
    """The Redis connection: `REDIS_URL`, or an embedded server under the instance folder."""

    def __init__(self):
        self.client = None
        self.url = None

    def init_app(self, app):
        url = app.config.get("REDIS_URL")
        if not url:
            from server.embedded import start_embedded_redis

            url, stop = start_embedded_redis(app.instance_path)
            atexit.register(stop)
        self.url = url
        self.client = redis.Redis.from_url(url, health_check_interval=30)
        app.extensions["redis"] = self


redis_store = RedisStore()


def redis_client():
    """The shared Redis client (for services and jobs that run outside a request)."""
    return redis_store.client
