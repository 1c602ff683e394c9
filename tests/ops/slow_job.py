"""A job that takes its time, for the test of a worker's warm stop (test_O2_worker_stop.py):
RQ imports it by its dotted path in the worker under test."""

import time

from server.extensions import redis_client


def sleep_then_mark(seconds, key):
    time.sleep(seconds)
    redis_client().set(key, "done")
    return "done"
