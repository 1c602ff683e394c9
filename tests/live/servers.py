"""Real web processes for the live tests and the live benchmark: gunicorn, as in production."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    """One gunicorn web process of the service on its own port, sharing the given stores."""

    def __init__(self, env, port=None, worker_class="gthread", threads=64, log=None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            os.path.join(BIN, "gunicorn"),
            "server:create_app()",
            f"--bind=127.0.0.1:{self.port}",
            f"--worker-class={worker_class}",
            "--workers=1",
            "--timeout=0",
            "--graceful-timeout=2",
        ]
        if "thread" in worker_class.lower():  # gthread and server.web_worker.ThreadWorker
            command.append(f"--threads={threads}")
        else:
            command.append(f"--worker-connections={threads}")
        env = {**os.environ, **env, "PUBLIC_URL": self.url, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT
        )

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server on {self.port} exited ({self.process.returncode})")
            try:
                with direct.open(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise RuntimeError(f"the server on {self.port} did not start within {timeout} s")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
