"""Running the service's RQ jobs in tests: a real Redis, a real RQ SimpleWorker in burst mode.

Time in the service comes from the injected clock; RQ's scheduler counts real seconds. So
a test that moves the clock on makes "the scheduled runs come due" with `fire_scheduled`,
which does what RQ's scheduler does for a due job (moves it onto its queue), then lets a
burst worker run everything queued.
"""

import json
import time

from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

from server import jobs
from server.services.records import events_channel


def redis_of(app):
    return app.extensions["redis"].client


def work(app):
    """Run every queued job in this process (kicking the sweep first, as a worker does)."""
    connection = redis_of(app)
    worker = jobs.SimpleWorker([jobs.queue(connection)], connection=connection, app=app)
    worker.work(burst=True, logging_level="WARNING")


def scheduled_ids(app):
    return ScheduledJobRegistry(queue=jobs.queue(redis_of(app))).get_job_ids()


def scheduled_at(app, job_id):
    """The Unix time RQ's scheduler will move the job to its queue, or None."""
    registry = ScheduledJobRegistry(queue=jobs.queue(redis_of(app)))
    score = redis_of(app).zscore(registry.key, job_id)
    return score


def fire_scheduled(app, only=None):
    """Move scheduled jobs (all, or those in `only`) onto the queue, as if their time came."""
    connection = redis_of(app)
    queue = jobs.queue(connection)
    registry = ScheduledJobRegistry(queue=queue)
    for job_id in registry.get_job_ids():
        if only is not None and job_id not in only:
            continue
        registry.remove(job_id)
        queue.enqueue_job(Job.fetch(job_id, connection=connection))


def run_timed_work(app, only=None):
    """The scheduled runs come due, and a worker runs them."""
    fire_scheduled(app, only)
    work(app)


def failed_ids(app):
    return FailedJobRegistry(queue=jobs.queue(redis_of(app))).get_job_ids()


class Events:
    """Live events as the service publishes them on Redis pub/sub, after each commit."""

    def __init__(self, app):
        self.pubsub = redis_of(app).pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(events_channel(redis_of(app)))
        self.seen = []

    def collect(self, seconds=0.3):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            message = self.pubsub.get_message(timeout=0.05)
            if message:
                self.seen.append(json.loads(message["data"]))
        return self.seen

    def of(self, **match):
        self.collect()
        return [
            event
            for event in self.seen
            if all(event.get(key) == value for key, value in match.items())
        ]

    def close(self):
        self.pubsub.close()
