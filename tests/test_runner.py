"""`make run` (server/runner.py) and its embedded Redis, which belongs to the run that started
it (O1): a second run on the same instance folder refuses, stopping one never breaks another,
and a run starts again right after Ctrl-C or after a run that was killed outright."""

import os
import signal
import subprocess
import sys
import time

import pytest
import redis

from server.embedded import InstanceBusy, answers_ping, start_embedded_redis
from tests.conftest import free_port
from tests.test_config import environment
from tests.waiting import wait_until

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
START_TIMEOUT = 90  # migrate, seed, gunicorn and the worker, on a busy 2-core machine


class Run:
    """`make run`: the runner with ENV=development, on its own instance folder and port."""

    def __init__(self, instance, log_path, port=None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        env = environment(instance.parent, ENV="development", PORT=str(self.port), WEB_THREADS="8")
        env["INSTANCE_PATH"] = str(instance)
        with open(log_path, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "server.runner"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def output(self):
        with open(self.log_path) as log:
            return log.read()

    def serving(self):
        import requests

        try:
            return requests.get(self.url + "/healthz", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def wait_serving(self):
        def up():
            assert self.process.poll() is None, self.output()
            return self.serving()

        wait_until(up, timeout=START_TIMEOUT, every=0.3, message="the run serving")
        wait_until(lambda: "Ctrl-C stops it." in self.output(), message="the URLs printed")
        return self

    def sign_in(self):
        """A demo agent signs in: the session lives in this run's Redis."""
        import requests

        response = requests.post(
            self.url + "/api/v1/session",
            json={"local": {"username": "agent1", "password": "password1"}},
            timeout=10,
        )
        return response.status_code

    def ctrl_c(self, timeout=60):
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout)

    def finish(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(60)


@pytest.fixture
def runs(tmp_path):
    started = []

    def start(instance, port=None):
        run = Run(instance, tmp_path / f"run-{len(started)}.log", port)
        started.append(run)
        return run

    yield start
    for run in started:
        run.finish()


@pytest.mark.slow
def test_O1_a_second_run_on_the_same_instance_refuses_and_the_first_keeps_serving(tmp_path, runs):
    instance = tmp_path / "instance"
    first = runs(instance).wait_serving()
    second = runs(instance)
    assert second.process.wait(60) != 0
    assert second.output().splitlines() == [
        f"context-desk: another `make run` is using {instance} (pid {first.process.pid}); "
        "stop it or set INSTANCE_PATH"
    ]
    assert first.serving()
    assert first.sign_in() == 201
    assert first.ctrl_c() == 0
    assert not answers_ping(str(instance / "redis.sock"))


@pytest.mark.slow
def test_O4_make_run_prints_the_demo_sign_in_and_the_development_integration_key(tmp_path, runs):
    run = runs(tmp_path / "instance").wait_serving()
    out = run.output()
    assert f"Care Desktop     {run.url}/desk/" in out
    assert "Demo sign-in     agent1 / password1, agent2 / password2, agent3 / password3" in out
    assert "Integration key  dev-integration-key" in out
    assert run.sign_in() == 201
    assert run.ctrl_c() == 0


@pytest.mark.slow
def test_O1_run_starts_again_right_after_ctrl_c(tmp_path, runs):
    instance = tmp_path / "instance"
    first = runs(instance).wait_serving()
    port = first.port
    assert first.ctrl_c() == 0
    again = runs(instance, port=port).wait_serving()  # at once, on the same port and folder
    assert again.sign_in() == 201
    assert "no demo data added" in again.output()  # the first run's data is still there
    assert again.ctrl_c() == 0


KILLED_OWNER = """
import sys, time
import redis
from server.embedded import start_embedded_redis

url, stop = start_embedded_redis(sys.argv[1])
redis.Redis.from_url(url).set("queued-job", "kept")
print("ready", flush=True)
time.sleep(600)
"""


def test_O1_a_redis_left_by_a_killed_run_is_shut_down_and_its_data_kept(tmp_path):
    directory = tmp_path / "instance"
    owner = subprocess.Popen(
        [sys.executable, "-c", KILLED_OWNER, str(directory)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    orphan = None
    try:
        assert owner.stdout.readline().strip() == "ready"
        orphan = int((directory / "redis.pid").read_text())
        owner.kill()  # SIGKILL: its Redis (own session) lives on, nobody holds the lock
        owner.wait(10)
        assert answers_ping(str(directory / "redis.sock"))

        url, stop = start_embedded_redis(str(directory))
        try:
            assert redis.Redis.from_url(url).get("queued-job") == b"kept"
            assert int((directory / "redis.pid").read_text()) != orphan
        finally:
            stop()
        with pytest.raises(ProcessLookupError):
            os.kill(orphan, 0)
    finally:
        owner.stdout.close()
        if owner.poll() is None:
            owner.kill()
            owner.wait()
        if orphan:
            try:
                os.kill(orphan, signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_O1_the_embedded_redis_of_an_instance_has_one_owner(tmp_path):
    directory = str(tmp_path / "instance")
    url, stop = start_embedded_redis(directory)
    try:
        with pytest.raises(InstanceBusy, match=f"pid {os.getpid()}"):
            start_embedded_redis(directory)
        assert redis.Redis.from_url(url).ping()  # the refused start broke nothing
    finally:
        stop()
    started = time.monotonic()
    url, stop = start_embedded_redis(directory)  # free again as soon as stop() returns
    try:
        assert redis.Redis.from_url(url).ping()
        assert time.monotonic() - started < 10
    finally:
        stop()
