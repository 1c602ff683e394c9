"""What `/metrics` reads from the database at scrape time."""

import peewee as pw

from server.models import Task

TASK_STATES = ("queued", "offered", "active")


def tasks_by_status():
    """How many Care Desktop tasks wait, are on offer, or are being handled now."""
    counts = dict.fromkeys(TASK_STATES, 0)
    query = (
        Task.select(Task.status, pw.fn.COUNT(Task.id).alias("n"))
        .where(Task.status.in_(TASK_STATES))
        .group_by(Task.status)
        .tuples()
    )
    counts.update(dict(query))
    return counts
