"""deploy/gunicorn.conf.py for real: metrics added up over processes, and a graceful stop
that asks every live socket to reconnect (close code 1012) instead of cutting it."""

import datetime
import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests
import simple_websocket
from prometheus_client.parser import text_string_to_metric_families

from server import clock, timers
from tests.care.test_care_api import KEY
from tests.jobs.helpers import run_timed_work
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
        "LIVE_SOCKETS_PER_SESSION": "4",  # the metrics test opens four sockets of one session
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


def parsed(text):
    """{(name, labels): value} and the families' names, from the text format."""
    samples, families = {}, set()
    for family in text_string_to_metric_families(text):
        families.add(family.name)
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples, families


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


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


@pytest.fixture
def frozen_now():
    """The service's clock, in this process only, stopped at the real time: gunicorn's
    processes stamp records with that, and the timed work run here moves on from it."""
    fake = clock.FrozenClock(datetime.datetime.now(datetime.UTC).replace(tzinfo=None))
    clock.set_clock(fake)
    yield fake
    clock.set_clock(None)


def test_O6_every_metric_of_the_issue_is_served_and_counts_under_gunicorn(
    gunicorn, app, agent, agent2, frozen_now
):
    """Issue 13's list: latency per route, open sockets, live events published and
    delivered, queue lengths, offers made / accepted / timed out, jobs failed, requests
    auto-closed; the agents work through gunicorn's two processes, the timed work runs in a
    worker here (service-wide counts are shared through Redis, whoever counts)."""
    http = requests.Session()
    http.trust_env = False

    def call(who, method, path, **kwargs):
        headers = {"Authorization": f"Bearer {who.token}"} if who else KEY
        response = http.request(method, gunicorn.url + path, headers=headers, timeout=10, **kwargs)
        assert response.status_code < 300, response.text
        return response.json()

    ws = simple_websocket.Client.connect(
        ws_url(gunicorn.url, agent.token), headers={"Origin": gunicorn.url}
    )
    try:
        call(agent, "PUT", "/api/v1/agent/state", json={"state": "ready"})
        task = call(
            None,
            "POST",
            "/api/v1/tasks",
            json={"medium": "email", "identity": {"email": "ann@example.org"}},
        )
        offer = None
        while offer is None or offer["type"] != "offer":  # queue changes come first
            offer = json.loads(ws.receive(timeout=10))
        call(agent, "POST", f"/api/v1/tasks/{task['id']}/accept", json={"offer": 1})
        call(agent2, "PUT", "/api/v1/agent/state", json={"state": "ready"})
        call(
            None,
            "POST",
            "/api/v1/tasks",
            json={"medium": "email", "identity": {"email": "bo@example.org"}},
        )
        frozen_now.advance(seconds=16)  # agent2 lets its offer run out (D5)
        run_timed_work(app)
        frozen_now.advance(days=5, seconds=1)  # the accepted email's request goes quiet
        timers.queue().enqueue("server.jobs.no_such_job")  # fails on import
        run_timed_work(app)  # the sweep's next run (scheduled by the first) comes due

        samples, families = parsed(scrape(gunicorn))
        for family in (
            "contextdesk_http_request_duration_seconds",
            "contextdesk_live_sockets_open",
            "contextdesk_live_events_published",
            "contextdesk_live_events_delivered",
            "contextdesk_jobs_queued",
            "contextdesk_jobs_scheduled",
            "contextdesk_jobs_failed_kept",
            "contextdesk_tasks",
            "contextdesk_offers",
            "contextdesk_jobs_failed",
            "contextdesk_requests_auto_closed",
        ):
            assert family in families, family
        accept = dict(method="POST", route="/api/v1/tasks/<task_id>/accept", status="200")
        assert value(samples, "contextdesk_http_request_duration_seconds_count", **accept) == 1
        assert value(samples, "contextdesk_live_sockets_open") == 1
        assert value(samples, "contextdesk_live_events_delivered_total", type="offer") == 1
        assert value(samples, "contextdesk_live_events_published_total", type="offer") == 2
        assert value(samples, "contextdesk_offers_total", outcome="made") == 2
        assert value(samples, "contextdesk_offers_total", outcome="accepted") == 1
        assert value(samples, "contextdesk_offers_total", outcome="timed_out") == 1
        assert value(samples, "contextdesk_requests_auto_closed_total") == 1
        failed = dict(job="server.jobs.no_such_job")
        assert value(samples, "contextdesk_jobs_failed_total", **failed) == 1
        assert value(samples, "contextdesk_jobs_failed_kept", queue="default") == 1
        assert value(samples, "contextdesk_tasks", status="active") == 1
        assert ("contextdesk_jobs_queued", (("queue", "default"),)) in samples
    finally:
        ws.close()
        http.close()


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


def test_O2_sigterm_finishes_the_request_in_flight_and_takes_no_new_one(gunicorn):
    body = json.dumps({"local": {"username": "nobody", "password": "not-this"}}).encode()
    head = (
        "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    port = int(gunicorn.url.rsplit(":", 1)[1])
    in_flight = socket.create_connection(("127.0.0.1", port), timeout=10)
    in_flight.sendall(head + body[:10])  # a thread of the worker now waits for the rest
    time.sleep(1)
    gunicorn.send_signal(signal.SIGTERM)
    time.sleep(3)  # each worker looks at its stop flag once a second, between polls
    # Stopping: a new request is not served (refused, reset, or left unanswered).
    with pytest.raises(requests.RequestException):
        gunicorn.session.get(gunicorn.url + "/healthz", timeout=2)
    in_flight.sendall(body[10:])
    answer = b""
    while chunk := in_flight.recv(65536):
        answer += chunk
    in_flight.close()
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]  # answered in full, then closed
    gunicorn.wait(35)
    assert gunicorn.returncode == 0
