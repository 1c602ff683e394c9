"""O2 / issue 13: SIGTERM to an RQ worker (systemd's stop with KillMode=mixed, `docker stop`)
lets the job it is running finish, takes no new one, and the worker exits cleanly."""

import os
import signal
import subprocess
import sys

import pytest
from rq.job import Job, JobStatus

from server import timers
from server.extensions import redis_client
from tests.live.servers import ROOT
from tests.waiting import wait_until

pytestmark = pytest.mark.slow


@pytest.fixture
def worker(app, database_url, redis_url, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }
    log = open(tmp_path / "worker.log", "w+")
    command = [os.path.join(os.path.dirname(sys.executable), "rq"), "worker"]
    command += ["-w", "server.jobs.Worker", "--url", redis_url, "default"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.log = tmp_path / "worker.log"
    yield process
    if process.poll() is None:
        process.kill()
        process.wait()
    log.close()


def test_O2_sigterm_lets_the_running_job_finish_and_takes_no_new_one(app, worker):
    connection = redis_client()
    queue = timers.queue(connection)
    running = queue.enqueue("tests.ops.slow_job.sleep_then_mark", 3, "slow-job-done")

    def started():
        assert worker.poll() is None, worker.log.read_text()
        return running.get_status(refresh=True) == JobStatus.STARTED

    assert wait_until(started, 60, message="the worker running the job")
    worker.send_signal(signal.SIGTERM)  # to the worker only, as KillMode=mixed sends it
    waiting = queue.enqueue("tests.ops.slow_job.sleep_then_mark", 0, "next-job-done")

    assert worker.wait(30) == 0, worker.log.read_text()
    assert running.get_status(refresh=True) == JobStatus.FINISHED
    assert Job.fetch(running.id, connection=connection).return_value() == "done"
    assert connection.get("slow-job-done") == b"done"
    # The job queued meanwhile waits for the next worker.
    assert waiting.get_status(refresh=True) == JobStatus.QUEUED
    assert connection.get("next-job-done") is None
