"""The service under test: gunicorn and an RQ worker, started as `make run` starts them.

The benchmark starts its own copy against the seeded database and a Redis database of its
own, so it measures the real server (real processes, real sockets, real workers) without
touching a developer's instance.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from store import ROOT

BIN = os.path.dirname(sys.executable)
BENCH_AGENTS = 20


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def agent_credentials(count):
    """The mock Finesse accounts the simulated agents sign in with."""
    return [(f"bench{number}", f"bench-password-{number}") for number in range(1, count + 1)]


class Service:
    """gunicorn (gthread workers, as `server/runner.py` runs it) plus `rq worker`."""

    def __init__(
        self, database_url, redis_url, workers=1, threads=32, agents=BENCH_AGENTS, log_path=None
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url
        self.redis_url = redis_url
        self.workers = workers
        self.threads = threads
        self.agents = agents
        self.log_path = log_path or os.path.join(ROOT, "instance", "bench", "server.log")
        self.children = []

    def environment(self):
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        env.update(
            {
                "ENV": "development",  # the mock Finesse signs the simulated agents in
                "DATABASE_URL": self.database_url,
                "REDIS_URL": self.redis_url,
                "PUBLIC_URL": self.url,
                "FINESSE_URL": self.url,  # the service's own mock Finesse REST API
                "MOCK_FINESSE": "1",
                "MOCK_FINESSE_AGENTS": ",".join(
                    f"{agent}:{password}" for agent, password in agent_credentials(self.agents)
                ),
                "SECRET_KEY": "bench-secret",
            }
        )
        return env

    def start(self, timeout=60):
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        log = open(self.log_path, "w")
        env = self.environment()
        web = [
            os.path.join(BIN, "gunicorn"),
            "server.wsgi:app",  # as `make run` serves: it refuses pending migrations
            f"--bind=127.0.0.1:{self.port}",
            "--worker-class=gthread",
            f"--threads={self.threads}",
            f"--workers={self.workers}",
            "--graceful-timeout=5",
            "--timeout=0",
        ]
        worker = [
            os.path.join(BIN, "rq"),
            "worker",
            "--with-scheduler",
            "--url",
            self.redis_url,
            "default",
        ]
        for command in (web, worker):
            self.children.append(
                subprocess.Popen(
                    command,
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(child.poll() is not None for child in self.children):
                self.stop()
                raise RuntimeError(f"the service exited while starting; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the service did not answer within {timeout} s; see {self.log_path}")

    def stop(self):
        for child in self.children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in self.children:
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        self.children = []

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
