"""The RQ workers' heartbeat, for `/readyz`: each worker says it is alive, in Redis.

RQ keeps its own worker registry, but a worker stays listed there for its whole TTL after it
died (7 minutes by default). Ours is written by `server.jobs.Worker`'s maintenance hook,
which runs every CHECK_INTERVAL inside the app: a beat means the worker loop turns and can
reach Redis, and one older than FRESH_FOR counts as gone.
"""

import time

WORKERS_KEY = "context-desk:workers"  # a sorted set: worker name -> time of its last beat
FRESH_FOR = 90  # seconds: three missed checks of a worker (server.jobs.CHECK_INTERVAL = 30)


def beat(connection, worker_name, at=None):
    """Record that `worker_name` is alive now, and forget workers long gone."""
    at = time.time() if at is None else at
    pipeline = connection.pipeline(transaction=False)
    pipeline.zadd(WORKERS_KEY, {worker_name: at})
    pipeline.zremrangebyscore(WORKERS_KEY, "-inf", at - 10 * FRESH_FOR)
    pipeline.execute()


def live_workers(connection, now=None):
    """The names of the workers that beat within FRESH_FOR seconds."""
    now = time.time() if now is None else now
    return [
        name.decode() for name in connection.zrangebyscore(WORKERS_KEY, now - FRESH_FOR, "+inf")
    ]
