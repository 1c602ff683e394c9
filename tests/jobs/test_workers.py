"""Real RQ workers, in their own processes, doing the timed work (D5, D6, O2, O3)."""

import datetime
import os
import signal
import subprocess
import sys
import time

import pytest
from rq.job import Job, JobStatus

from server import heartbeat, jobs
from server.clock import now
from server.models import AgentState, Change, Customer, Request, Task, database
from server.services import offers
from tests.jobs.helpers import failed_ids, fire_scheduled, redis_of, scheduled_at, work
from tests.waiting import wait_until

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RQ = os.path.join(os.path.dirname(sys.executable), "rq")


def descendants(pid):
    """Every process below `pid` (the worker's scheduler and work horse)."""
    found = []
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            for child in children.read().split():
                found.append(int(child))
                found.extend(descendants(int(child)))
    except FileNotFoundError:
        pass
    return found


@pytest.fixture
def real_worker(app, redis_url, database_url, tmp_path):
    """Start `rq worker -w server.jobs.Worker --with-scheduler`, as `make run` does."""
    started, logs = [], []

    def start(**settings):
        env = dict(
            os.environ,
            REDIS_URL=redis_url,
            DATABASE_URL=database_url,
            INSTANCE_PATH=str(tmp_path),
            SECRET_KEY="test-secret",
            **settings,
        )
        log = open(tmp_path / f"worker-{len(started)}.log", "w")  # noqa: SIM115 (closed below)
        logs.append(log)
        process = subprocess.Popen(
            [RQ, "worker", "-w", "server.jobs.Worker", "--with-scheduler", "--url", redis_url],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        kill(process)
    for log in logs:
        log.close()


def kill(process):
    """SIGKILL the worker and everything it forked: nothing gets to clean up."""
    for pid in [process.pid, *descendants(process.pid)]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(10)


def sweep_status(app):
    try:
        return Job.fetch(jobs.SWEEP_ID, connection=redis_of(app)).get_status()
    except Exception:
        return None


@pytest.mark.slow
def test_D6_a_request_due_in_3_seconds_closes_within_2_seconds_after_it(app, db, real_worker):
    real_worker(AUTO_CLOSE_AFTER="3")
    # The worker is up once its first sweep has run and scheduled the next.
    wait_until(lambda: sweep_status(app) == JobStatus.SCHEDULED, 30)
    request = Request.create(customer=Customer.create(name="Soon"), last_activity_at=now())
    deadline = request.last_activity_at + datetime.timedelta(seconds=3)

    def closed():
        with database.connection_context():
            return Request.get_by_id(request.id).closed_at

    closed_at = wait_until(closed, 10)
    seen = now()
    assert deadline <= closed_at <= deadline + datetime.timedelta(seconds=2)
    assert seen <= deadline + datetime.timedelta(seconds=2.5)
    print(
        f"\nD6 real worker: closed {(closed_at - deadline).total_seconds():.3f} s "
        f"after the deadline"
    )


@pytest.mark.slow
def test_D6_a_worker_killed_mid_batch_leaves_no_request_half_closed(app, db, real_worker):
    total = 30_000
    customer = Customer.create(name="Killed")
    overdue = now() - datetime.timedelta(days=6)
    rows = [
        {"customer": customer.id, "title": f"r{n}", "last_activity_at": overdue}
        for n in range(total)
    ]
    with database.atomic():
        for start in range(0, total, 1000):
            Request.insert_many(rows[start : start + 1000]).execute()

    def closed_count():
        with database.connection_context():
            return Request.select().where(Request.status == "closed").count()

    worker = real_worker()
    wait_until(closed_count, 30, every=0.005)  # the sweep is under way: kill it
    kill(worker)
    closed = closed_count()
    assert 0 < closed < total, "the kill came after the sweep, not during it"
    # Whole batches only: each one's UPDATE and journey entries commit together or not at all.
    assert closed % 1000 == 0
    assert Change.select().where(Change.action == "closed").count() == closed

    result = app.test_cli_runner().invoke(args=["close-stale"])  # the rerun
    assert result.exit_code == 0, result.output
    assert Request.select().where(Request.status == "open").count() == 0
    assert Change.select().where(Change.action == "closed").count() == total
    assert (
        Change.select(Change.request_id).where(Change.action == "closed").distinct().count()
    ) == total


@pytest.mark.slow
def test_D5_real_worker_times_an_offer_out_after_its_seconds(app, db, real_worker, sign_in):
    real_worker(OFFER_TIMEOUT="2")
    app.config["OFFER_TIMEOUT"] = 2
    try:
        # The worker's loop turns (its heartbeat): what is timed is the job, not its start-up.
        wait_until(lambda: heartbeat.live_workers(app.extensions["redis"].client), 30)
        agent = sign_in("agent1")
        with app.app_context():
            offers.set_state(agent.id, "ready")
            task = Task.create(medium="call", identity_kind="phone", identity_value="+31201234567")
            offered = offers.dispatch()[0]
        assert offered.id == task.id

        def requeued():
            with database.connection_context():
                return Task.get_by_id(task.id).status == "queued"

        wait_until(requeued, 10)
        late = (now() - offered.offer_expires_at).total_seconds()
        assert 0 <= late < 2
        assert AgentState.get_by_id(agent.id).state == "not_ready"
    finally:
        app.config["OFFER_TIMEOUT"] = 15


def test_O3_a_failing_job_is_retried_with_back_off_then_lands_in_the_failed_registry(
    app, db, sign_in
):
    agent = sign_in("agent1")
    with app.app_context():
        offers.set_state(agent.id, "ready")
        Task.create(medium="call", identity_kind="phone", identity_value="+31201234567")
        task = offers.dispatch()[0]
    job_id = offers.timeout_job_id(task.id, task.offer_number)
    job = Job.fetch(job_id, connection=redis_of(app))
    assert job.retries_left == 3 and job.retry_intervals == [10, 30, 60]
    # A real failure: the job's table is not there (as when the database is away).
    database.execute_sql('ALTER TABLE "task" RENAME TO "task_away"')
    try:
        for attempt, back_off in enumerate([10, 30, 60, None]):
            fire_scheduled(app, only={job_id})
            work(app)
            if back_off is not None:  # back in the scheduled registry, for its next try
                assert Job.fetch(job_id, connection=redis_of(app)).get_status() == "scheduled"
                assert abs(scheduled_at(app, job_id) - time.time() - back_off) <= 2, attempt
    finally:
        database.execute_sql('ALTER TABLE "task_away" RENAME TO "task"')
    assert job_id in failed_ids(app)
    result = app.test_cli_runner().invoke(args=["failed-jobs"])
    assert job_id in result.output and "task" in result.output
