"""Timed work on RQ, named by dotted path: services say what runs when, never importing jobs.

`server.jobs` holds the job functions and the worker and imports the services; the services
schedule through this module, so the two never import each other. A service schedules inside
its unit of work (`outbox.schedule` / `outbox.cancel` in `server.services.records`): the
timer leaves after the commit, as live events do, so a job never runs for a change that was
rolled back.

RQ's scheduler works in whole seconds and looks once a second. A timed job is therefore
scheduled for the whole second before its moment and waits the last fraction itself, so it
acts within about a second of its deadline, never before it.
"""

import datetime
import math
import time

import rq
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from server import logs
from server.extensions import redis_client

QUEUE = "default"
RETRY = rq.Retry(max=3, interval=[10, 30, 60])  # back-off; then the failed registry
FAILURE_TTL = 30 * 24 * 3600  # failed jobs stay in the failed registry for a month


def queue(connection=None):
    """The RQ queue the service's timed work goes to."""
    return rq.Queue(QUEUE, connection=connection or redis_client())


def run_in(seconds, func, *args, job_id, description):
    """Have the job `func` (a dotted path) run `seconds` from now, once per `job_id`."""
    return queue().enqueue_at(
        second_before(seconds),
        func,
        *args,
        job_id=job_id,
        retry=RETRY,
        failure_ttl=FAILURE_TTL,
        description=description,
        meta={"request_id": logs.current_request_id()},  # the job's lines bear it too
    )


def missing(job_ids):
    """Those of these jobs Redis does not hold (lost with a flush or a restart empty)."""
    job_ids = list(job_ids)
    pipe = redis_client().pipeline()
    for job_id in job_ids:
        pipe.exists(Job.key_for(job_id))
    return [job_id for job_id, there in zip(job_ids, pipe.execute(), strict=True) if not there]


def cancel(job_id):
    """Drop a job that has not started: True when it was dropped.

    A job already running is left alone: the database decides what it finds, and a job
    whose reason has gone does nothing.
    """
    try:
        job = Job.fetch(job_id, connection=redis_client())
    except NoSuchJobError:
        return False
    if job.get_status() not in (JobStatus.SCHEDULED, JobStatus.QUEUED):
        return False
    job.delete()
    return True


def second_before(seconds):
    """The whole second (UTC) at or just before `seconds` from now."""
    return datetime.datetime.fromtimestamp(math.floor(time.time() + seconds), tz=datetime.UTC)
