"""The timed work, on RQ: the auto-close sweep (D6) and offer time-outs (D5).

Jobs are thin adapters over the service layer and run inside the service's app context:
like Flask's celery example, a worker creates the app once (`Worker` below, started as
`rq worker -w server.jobs.Worker --with-scheduler`) and every job runs within it. Services
schedule these jobs by dotted path through `server.timers`, never importing this module.
"""

import logging
import math
import sys
import time

import click
import redis as redis_lib
import rq
from flask import current_app
from flask.cli import with_appcontext
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus, get_current_job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

from server import heartbeat, logs, metrics
from server.extensions import redis_client
from server.models import database
from server.services import autoclose, chats, offers
from server.timers import FAILURE_TTL, RETRY, queue

log = logging.getLogger(__name__)

SWEEP_ID = "autoclose-sweep"  # one sweep, one next run: the id makes a second impossible
KICK_LOCK = "context-desk:autoclose-sweep:kick"
PRECISE_WITHIN = 1.5  # seconds: closer than this, a job waits for its moment itself
SWEEP_BATCHES = 100  # per run; a bigger backlog is worked off by runs that follow at once
SWEEP_TIMEOUT = 600  # seconds RQ lets one sweep run (100 batches take far less)
CHECK_INTERVAL = 30  # seconds between a worker's checks that the sweep is still there
# Seconds a worker waits for a job before it looks round again: at most this long before it
# sees that its scheduler process has died (one cheap blocking pop per turn).
TURN = 5


# Auto-close (D6)


def sweep(batch=autoclose.BATCH):
    """Close the requests that are due (D6), then run again at the next deadline (≤ 1 minute)."""
    after = current_app.config["AUTO_CLOSE_AFTER"]
    limit = SWEEP_BATCHES * batch
    with database.connection_context():
        closed = autoclose.close_stale(after, batch, max_batches=SWEEP_BATCHES)
        if closed >= limit:
            run_again_in(0)  # a backlog: go on at once, in a fresh run with a fresh timeout
            return closed
        wait = autoclose.seconds_until_next_sweep(after)
        if wait < PRECISE_WITHIN:
            time.sleep(wait)
            closed += autoclose.close_stale(after, batch, max_batches=SWEEP_BATCHES)
            wait = max(1.0, autoclose.seconds_until_next_sweep(after))
        # Offers whose time-out job was lost (a Redis flush) are let go here at the latest.
        offers.time_out_lapsed()
    run_again_in(wait)
    return closed


def kick_sweep(connection=None):
    """Make the sweep run now, without ever making a second one.

    Called when a worker starts and every CHECK_INTERVAL by each worker, and by
    `flask close-stale`, so a next run lost with its Redis (a flush, a failover) is made
    good at once.
    """
    connection = connection or redis_client()
    sweep_queue = queue(connection)
    try:
        job = Job.fetch(SWEEP_ID, connection=connection)
        status = job.get_status()
    except NoSuchJobError:
        job, status = None, None
    if status in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED):
        return status
    if (
        status == JobStatus.SCHEDULED
        and connection.zscore(ScheduledJobRegistry(queue=sweep_queue).key, SWEEP_ID) is not None
    ):
        return status
    # Several workers check at once: one of them enqueues.
    if not connection.set(KICK_LOCK, "1", nx=True, px=5000):
        return "kicked elsewhere"
    if status == JobStatus.FAILED:
        log.error(
            "the auto-close sweep failed after its retries (%s); starting it again",
            failure_reason(job),
        )
    if job is None:
        # Redis lost the sweep, so it lost the offers' time-outs with it (a flush, a Redis
        # restarted empty): they are scheduled again from the database.
        with database.connection_context():
            restored = offers.restore_timeouts()
        if restored:
            log.warning("Redis had lost its jobs: %d offer time-outs scheduled again", restored)
    sweep_queue.enqueue(
        sweep,
        job_id=SWEEP_ID,
        retry=RETRY,
        job_timeout=SWEEP_TIMEOUT,
        failure_ttl=FAILURE_TTL,
        description="auto-close sweep (D6)",
    )
    return "enqueued"


def scheduled_sweeps(connection=None):
    """How many sweep runs are scheduled or queued (there should only ever be one)."""
    sweep_queue = queue(connection)
    scheduled = ScheduledJobRegistry(queue=sweep_queue).get_job_ids()
    return sum(1 for job_id in scheduled if job_id == SWEEP_ID) + sweep_queue.get_job_ids().count(
        SWEEP_ID
    )


# Offer time-outs (D5)


def offer_timeout(task_id, offer_number):
    """The offer's time is up: the agent goes Not Ready and the task back to the queue (D5)."""
    with database.connection_context():
        outcome = offers.time_out(task_id, offer_number)
        if isinstance(outcome, float) and outcome < PRECISE_WITHIN:
            time.sleep(outcome)
            outcome = offers.time_out(task_id, offer_number)
        if isinstance(outcome, float):
            run_again_in(max(1.0, outcome))  # ran early (clock skew): again at its moment
            return "not yet"
    return outcome


# A chat's visitor gone (D9)


def chat_gone(task_id):
    """No socket of the chat's visitor for CHAT_GONE_AFTER seconds: the visitor has left."""
    with database.connection_context():
        return chats.check_gone(redis_client(), task_id)


# Helpers


def run_again_in(seconds):
    """Have RQ run the current job again, under the same id, once `seconds` have passed.

    RQ's Repeat does the rescheduling after the job has finished, so its one id is never
    both running and scheduled. Outside RQ (a command, a test) this does nothing.
    """
    job = get_current_job()
    if job is None:
        return None
    job.repeats_left = 1
    # Scheduled for the whole second before the moment (RQ counts whole seconds from when it
    # reschedules, a moment from now); the job waits the rest itself.
    job.repeat_intervals = [math.floor(time.time() % 1 + seconds) if seconds > 0 else 0]
    if job.retry_intervals:
        job.retries_left = RETRY.max  # each run gets its own retries
    return job


def failure_reason(job):
    """The last line of a failed job's exception, as RQ recorded it."""
    result = job.latest_result() if job is not None else None
    text = (getattr(result, "exc_string", None) or "").strip()
    return text.splitlines()[-1] if text else "no reason recorded"


@click.command("failed-jobs")
@with_appcontext
def failed_jobs_command():
    """List the jobs in RQ's failed registry, each with the reason it failed."""
    registry = FailedJobRegistry(queue=queue())
    job_ids = registry.get_job_ids()
    for job in Job.fetch_many(job_ids, connection=redis_client()):
        if job is not None:
            click.echo(f"{job.id}  {job.description}  {failure_reason(job)}")
    click.echo(f"{len(job_ids)} failed job(s).")


class AppWorkerMixin:
    """Runs every job inside the service's app context; the app is created once per worker.

    The worker also checks, every CHECK_INTERVAL and when it starts, that the sweep is
    scheduled: Redis can lose it (a flush, a failover), the database cannot lose a deadline.
    """

    # RQ waits up to a minute between tries while Redis is away; back within a few seconds
    # of it, so the scheduler and the sweep are going again well within 30 s (issue 12).
    max_connection_wait_time = 2.0

    def __init__(self, *args, app=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.app = app
        self.sweep_checked_at = None

    def bootstrap(self, *args, **kwargs):
        if self.app is None:
            from server import create_app
            from server.config import ConfigError

            try:
                self.app = create_app()
            except ConfigError as error:  # one line naming the setting, as the web side (O4)
                print(error.line(), file=sys.stderr, flush=True)
                raise SystemExit(1) from None
            # Work horses are forked: none may inherit a pooled database connection.
            if hasattr(database.obj, "close_all"):
                database.obj.close_all()
        super().bootstrap(*args, **kwargs)
        if logs.is_configured():
            # RQ gives its logger a plain-text handler of its own: its lines go through ours.
            for name in ("rq.worker", "rq.job"):
                rq_log = logging.getLogger(name)
                for handler in list(rq_log.handlers):
                    rq_log.removeHandler(handler)
                rq_log.propagate = True

    @property
    def dequeue_timeout(self):
        return min(super().dequeue_timeout, TURN)

    def sweep_check_due(self):
        return (
            self.sweep_checked_at is None
            or time.monotonic() - self.sweep_checked_at >= CHECK_INTERVAL
        )

    def scheduler_down(self):
        """This worker runs a scheduler (--with-scheduler) and its process is gone.

        RQ's scheduler process exits on the first Redis error, and RQ itself starts it again
        only at its maintenance, ten minutes apart: a sweep due meanwhile waited minutes.
        A worker whose scheduler never started (another worker holds the lock) asks for the
        lock again here, which takes over from a scheduler that died elsewhere.
        """
        scheduler = self.scheduler
        return scheduler is not None and (
            scheduler._process is None or not scheduler._process.is_alive()
        )

    @property
    def should_run_maintenance_tasks(self):
        return (
            super().should_run_maintenance_tasks or self.sweep_check_due() or self.scheduler_down()
        )

    def run_maintenance_tasks(self):
        if self.scheduler_down():
            had_one = self.scheduler._process is not None
            try:
                self.scheduler.acquire_locks(auto_start=True)
            except redis_lib.RedisError:  # still away: the worker's next turn tries again
                log.warning("the RQ scheduler cannot start again yet: Redis is away")
                return
            if had_one and not self.scheduler_down():
                log.warning("the RQ scheduler had stopped (Redis away?); started it again")
                self.sweep_checked_at = None  # and see at once what Redis kept
        if self.sweep_check_due():
            self.sweep_checked_at = time.monotonic()
            try:
                heartbeat.beat(self.connection, self.name)  # for /readyz
            except Exception:
                log.exception("could not write the worker's heartbeat")
            try:
                with self.app.app_context():
                    kick_sweep(self.connection)
            except Exception:  # Redis away for a moment: the next check tries again
                log.exception("could not check the auto-close sweep")
        if super().should_run_maintenance_tasks:
            super().run_maintenance_tasks()

    def handle_job_failure(self, job, queue, *args, **kwargs):
        try:
            metrics.count(self.connection, "jobs_failed", job.func_name)
        except Exception:  # a count must never stand in the way of RQ's own bookkeeping
            log.exception("could not count the failure of job %s", job.id)
        return super().handle_job_failure(job, queue, *args, **kwargs)

    def perform_job(self, job, queue, execution):
        # The job's lines bear the id of the request that scheduled it, or the job's own.
        token = logs.bind_request_id((job.meta or {}).get("request_id") or f"job-{job.id}")
        try:
            log.debug("running job %s (%s)", job.id, job.func_name)
            with self.app.app_context():
                return super().perform_job(job, queue, execution)
        finally:
            logs.reset_request_id(token)


class Worker(AppWorkerMixin, rq.Worker):
    """`rq worker -w server.jobs.Worker --with-scheduler`: a job per forked work horse."""


class SimpleWorker(AppWorkerMixin, rq.SimpleWorker):
    """Runs jobs in its own process (tests, and platforms without fork)."""
