"""deploy/gunicorn.conf.py for real: metrics added up over processes, and a graceful stop
that asks every live socket to reconnect (close code 1012) instead of cutting it."""

import os
import signal
import subprocess
import sys
import time

import pytest
import requests
import simple_websocket

from tests.live.conftest import ws_url
from tests.live.servers import ROOT, free_port
from tests.waiting import wait_until

pytestmark = pytest.mark.slow

TOKEN = "metrics-token-for-the-gunicorn-test"


@pytest.fixture
def gunicorn(app, database_url, redis_url, tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "MOCK_FINESSE": "1",
        "PUBLIC_URL": url,
        "FINESSE_URL": url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "2",
        "WEB_THREADS": "8",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "METRICS_TOKEN": TOKEN,
        "PYTHONUNBUFFERED": "1",
    }
    log = open(tmp_path / "gunicorn.log", "w+")
    process = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "-c",
            "deploy/gunicorn.conf.py",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    session = requests.Session()
    session.trust_env = False

    def up():
        try:
            return session.get(url + "/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
            return False

    try:
        wait_until(up, 60, message="gunicorn answering")
        process.url, process.session = url, session
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


def scrape(server):
    response = server.session.get(
        server.url + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
    )
    assert response.status_code == 200
    return response.text


def test_O6_metrics_under_gunicorn_add_up_the_processes(gunicorn, agent):
    sockets = [
        simple_websocket.Client.connect(
            ws_url(gunicorn.url, agent.token), headers={"Origin": gunicorn.url}
        )
        for _ in range(4)  # over two processes, whichever takes each
    ]
    try:
        assert wait_until(lambda: "contextdesk_live_sockets_open 4.0" in scrape(gunicorn), 10)
        assert gunicorn.session.get(gunicorn.url + "/metrics", timeout=5).status_code == 401
    finally:
        for ws in sockets:
            ws.close()


def test_O2_sigterm_asks_sockets_to_reconnect_and_stops_well_before_the_grace_time(gunicorn, agent):
    ws = simple_websocket.Client.connect(
        ws_url(gunicorn.url, agent.token), headers={"Origin": gunicorn.url}
    )
    wait_until(lambda: "contextdesk_live_sockets_open 1.0" in scrape(gunicorn), 10)
    started = time.monotonic()
    gunicorn.send_signal(signal.SIGTERM)
    with pytest.raises(simple_websocket.ConnectionClosed) as closed:
        while time.monotonic() - started < 10:
            ws.receive(timeout=1)
    assert closed.value.reason == 1012, closed.value
    assert time.monotonic() - started < 5  # at once, not at the end of graceful_timeout
    # The process then exits cleanly within graceful_timeout (30 s). simple-websocket's reader
    # thread may take up to its ping interval (25 s) to notice a socket closed under it.
    gunicorn.wait(35)
    assert gunicorn.returncode == 0
