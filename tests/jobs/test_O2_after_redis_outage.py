"""O2, O3 (issue 12): timed work goes on after a Redis outage. A real RQ worker (with its
scheduler, as `make run` starts it) on a redis-server of the test's own, which is stopped and
started again, empty or with its data: within 30 s of Redis being back the scheduler is alive
and every due sweep and offer time-out has run. A scheduler or worker that dies is started
again: the scheduler by its worker, the worker by the runner."""

import datetime
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import redis as redis_lib
from rq.job import Job

from server import heartbeat, jobs, timers
from server.clock import now
from server.models import Agent, AgentState, Customer, Request, Task, database
from tests.hardening.test_O2_redis_outage import OwnRedis
from tests.jobs.test_workers import ROOT, RQ, descendants, kill
from tests.waiting import wait_until

pytestmark = pytest.mark.slow

BACK_WITHIN = 30  # seconds (issue 12)
OUTAGE = 8  # seconds Redis is away


@pytest.fixture
def own_redis():
    redis = OwnRedis()
    yield redis
    redis.close()


@pytest.fixture
def worker(database_url, own_redis, tmp_path):
    """`rq worker -w server.jobs.Worker --with-scheduler` on the test's own Redis."""
    started = []

    def start(**settings):
        env = dict(
            os.environ,
            REDIS_URL=own_redis.url,
            DATABASE_URL=database_url,
            INSTANCE_PATH=str(tmp_path),
            SECRET_KEY="test-secret",
            **settings,
        )
        log = open(tmp_path / f"worker-{len(started)}.log", "w")  # noqa: SIM115 (closed below)
        process = subprocess.Popen(
            [RQ, "worker", "-w", "server.jobs.Worker", "--with-scheduler", "--url", own_redis.url],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append((process, log))
        connection = client(own_redis)
        wait_until(lambda: heartbeat.live_workers(connection), 60, message="the worker's beat")
        wait_until(lambda: sweep_scheduled(connection), 30, message="the sweep scheduled")
        return process

    yield start
    for process, log in started:
        kill(process)
        log.close()


def client(own_redis):
    return redis_lib.Redis.from_url(own_redis.url)


def sweep_scheduled(connection):
    try:
        return Job.fetch(jobs.SWEEP_ID, connection=connection).get_status() == "scheduled"
    except Exception:
        return False


def offered_task(agent_id, expires_in):
    """A task offered to the agent, its offer running out `expires_in` seconds from now."""
    agent, _ = Agent.get_or_create(id=agent_id, defaults={"name": agent_id})
    at = now()
    task = Task.create(
        medium="call",
        status="offered",
        agent=agent.id,
        offer_number=1,
        offered_at=at,
        offer_expires_at=at + datetime.timedelta(seconds=expires_in),
    )
    AgentState.delete().where(AgentState.agent == agent.id).execute()
    AgentState.create(agent=agent.id, state="ready", task=task.id)
    return task


def schedule_time_out(own_redis, task, seconds):
    """The offer's time-out job, as the service schedules it (server.timers.run_in)."""
    timers.queue(client(own_redis)).enqueue_at(
        timers.second_before(seconds),
        "server.jobs.offer_timeout",
        task.id,
        task.offer_number,
        job_id=f"offer-timeout-{task.id}-{task.offer_number}",
    )


def timed_out(task):
    with database.connection_context():
        back = Task.get_by_id(task.id).status == "queued"
        state = AgentState.get_by_id(task.agent_id)
        return back and state.state == "not_ready" and state.reason == "offer_timeout"


def closed(request):
    with database.connection_context():
        return Request.get_by_id(request.id).status == "closed"


def due_request(after_seconds, due_in):
    customer = Customer.create(name="Due")
    last = now() - datetime.timedelta(seconds=after_seconds - due_in)
    return Request.create(customer=customer, last_activity_at=last)


def seconds_until(condition, timeout=BACK_WITHIN):
    started = time.monotonic()
    wait_until(condition, timeout, every=0.1)
    return time.monotonic() - started


def test_O2_redis_back_empty_the_sweep_and_every_offer_time_out_run_within_30_s(
    db, worker, own_redis
):
    worker(AUTO_CLOSE_AFTER="20", OFFER_TIMEOUT="15")
    own_redis.stop()
    # Due while Redis is away: a request and an offer. The offer's time-out job and the
    # sweep's next run go with Redis. And an offer that runs out 6 s after Redis is back,
    # its job lost too: it must time out on time all the same.
    request = due_request(20, due_in=1)
    lapsed = offered_task("agent1", expires_in=1)
    later = offered_task("agent2", expires_in=OUTAGE + 6)
    later_due = later.offer_expires_at
    time.sleep(OUTAGE)
    own_redis.start(empty=True)
    took_request = seconds_until(lambda: closed(request))
    took_offer = seconds_until(lambda: timed_out(lapsed))
    wait_until(lambda: timed_out(later), BACK_WITHIN, every=0.1)
    late = (now() - later_due).total_seconds()
    assert late < 3, f"the offer due after the outage timed out {late:.1f} s late"
    print(
        f"\nRedis back empty: request closed after {took_request:.1f} s, lapsed offer timed "
        f"out {took_offer:.1f} s later, an offer due 6 s after it {late:.1f} s late"
    )


def test_O2_redis_back_with_its_data_the_scheduler_runs_what_fell_due_within_30_s(
    db, worker, own_redis
):
    worker(AUTO_CLOSE_AFTER="20", OFFER_TIMEOUT="15")
    task = offered_task("agent1", expires_in=2)
    schedule_time_out(own_redis, task, 2)  # in the Redis that will keep it
    own_redis.stop()  # SHUTDOWN saves: the job and the sweep's next run are kept
    request = due_request(20, due_in=1)
    time.sleep(OUTAGE)
    own_redis.start(empty=False)
    back = time.monotonic()
    wait_until(lambda: timed_out(task), BACK_WITHIN, every=0.1)
    took_offer = time.monotonic() - back
    wait_until(lambda: closed(request), BACK_WITHIN - took_offer, every=0.1)
    took_request = time.monotonic() - back
    print(
        f"\nRedis back with its data: offer timed out after {took_offer:.1f} s, "
        f"request closed after {took_request:.1f} s"
    )


def test_O2_a_killed_scheduler_is_started_again_by_its_worker(db, worker, own_redis):
    process = worker(AUTO_CLOSE_AFTER="3600", OFFER_TIMEOUT="15")
    for pid in descendants(process.pid):  # the scheduler (no job runs: no work horse)
        os.kill(pid, signal.SIGKILL)
    task = offered_task("agent1", expires_in=3)
    schedule_time_out(own_redis, task, 3)
    # RQ's own maintenance would start it again ten minutes later.
    wait_until(lambda: timed_out(task), 10, every=0.1)
    assert (now() - task.offer_expires_at).total_seconds() < 3


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_O2_the_runner_starts_a_dead_worker_again(own_redis, tmp_path):
    env = dict(
        os.environ,
        ENV="development",
        REDIS_URL=own_redis.url,
        DATABASE_URL="sqlite:///" + str(tmp_path / "runner.sqlite3"),
        INSTANCE_PATH=str(tmp_path / "instance"),
        PORT=str(free_port()),
        WEB_THREADS="8",
    )
    log = open(tmp_path / "runner.log", "w")  # noqa: SIM115 (closed below)
    runner = subprocess.Popen(
        [sys.executable, "-m", "server.runner"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    connection = client(own_redis)
    try:
        first = wait_until(lambda: heartbeat.live_workers(connection), 90)[0]
        # The worker and its scheduler, killed as an OOM kill or a crash would.
        for pid in [pid for pid in descendants(runner.pid) if b"/rq\x00worker" in _cmdline(pid)]:
            os.kill(pid, signal.SIGKILL)
        connection.delete(heartbeat.WORKERS_KEY)
        started = time.monotonic()
        again = wait_until(lambda: heartbeat.live_workers(connection), 30)[0]
        assert again != first and runner.poll() is None
        print(f"\nrunner: a new worker beat {time.monotonic() - started:.1f} s after the kill")
    finally:
        runner.send_signal(signal.SIGINT)
        try:
            runner.wait(30)
        except subprocess.TimeoutExpired:
            kill(runner)
        log.close()


def _cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            return file.read()
    except FileNotFoundError:
        return b""
