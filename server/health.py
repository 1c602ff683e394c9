"""Liveness and readiness, for load balancers, orchestrators and `make run`.

`/healthz` answers without touching any store: the process is alive. `/readyz` says whether
this process can serve: the database answers, Redis answers, at least one RQ worker beat
recently (timed work would otherwise stall: offers never time out, requests never close),
and no migration is pending. When a part fails it answers 503 problem+json naming it.
"""

import logging

import redis as redis_lib
from flask import Blueprint

from server import heartbeat
from server.errors import Problem
from server.extensions import redis_store
from server.services import readiness

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)

PROBE_TIMEOUT = 2.0  # seconds: a probe must answer before the balancer gives up on it

_probes = {}


def probe_client():
    """A Redis client that gives up quickly: the shared one waits as long as a command takes."""
    url = redis_store.url
    client = _probes.get(url)
    if client is None:
        client = _probes[url] = redis_lib.Redis.from_url(
            url, socket_timeout=PROBE_TIMEOUT, socket_connect_timeout=PROBE_TIMEOUT
        )
    return client


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    checks = {}
    failing = []

    def check(name, probe):
        try:
            checks[name] = probe()
        except Exception as error:  # any failure of a part makes the service not ready
            log.warning("readiness: %s failed: %s", name, error)
            # Our own reasons are safe to show; another error's text may name a host or user.
            reason = str(error) if isinstance(error, NotReady) else type(error).__name__
            checks[name] = f"failing: {reason}"
            failing.append(name)

    check("database", _database)
    check("redis", _redis)
    if "redis" not in failing:
        check("worker", _worker)
    else:
        checks["worker"] = "unknown: Redis does not answer"
        failing.append("worker")
    if "database" not in failing:
        check("migrations", _migrations)
    else:
        checks["migrations"] = "unknown: the database does not answer"
        failing.append("migrations")
    if failing:
        raise Problem(
            503,
            "Not ready: " + ", ".join(failing) + ".",
            type_="/problems/not-ready",
            failing=failing,
            checks=checks,
        )
    return {"status": "ready", "checks": checks}


def _database():
    readiness.database_answers()
    return "ok"


def _redis():
    probe_client().ping()
    return "ok"


def _worker():
    workers = heartbeat.live_workers(probe_client())
    if not workers:
        raise NoWorker(f"no RQ worker beat in the last {heartbeat.FRESH_FOR} s")
    return f"ok: {len(workers)} live"


def _migrations():
    pending = readiness.pending_migrations()
    if pending:
        raise PendingMigrations(", ".join(pending))
    return "ok"


class NotReady(Exception):
    """A part answers, but is not as serving needs it."""


class NoWorker(NotReady):
    pass


class PendingMigrations(NotReady):
    pass
