"""Issue 12 point 4: live sockets have a cap per session, per agent and per process, with a
clear close code, so they never take the web threads the API needs."""

import time

import pytest
import requests
import simple_websocket

from tests.conftest import basic
from tests.live.conftest import ws_url
from tests.live.servers import ServerProcess


def open_socket(base_url, token, origin):
    return simple_websocket.Client.connect(ws_url(base_url, token), headers={"Origin": origin})


def refused_with(ws, timeout=5):
    """The close code the server refused the socket with, or None if it stayed open."""
    try:
        ws.receive(timeout=timeout)
    except simple_websocket.ConnectionClosed as closed:
        return closed.reason, closed.message
    return None


def test_O5_sockets_per_session_and_per_agent_are_capped(app, sign_in):
    base, origin = app.live_server.url, app.config["PUBLIC_URL"]
    first = sign_in("agent1")
    opened = [open_socket(base, first.token, origin) for _ in range(3)]
    try:
        assert all(refused_with(ws, 0.3) is None for ws in opened)
        code, reason = refused_with(open_socket(base, first.token, origin))
        assert code == 1008 and "session" in reason
        second = sign_in("agent1")
        opened += [open_socket(base, second.token, origin) for _ in range(3)]
        assert all(refused_with(ws, 0.3) is None for ws in opened[3:])
        third = sign_in("agent1")
        code, reason = refused_with(open_socket(base, third.token, origin))
        assert code == 1008 and "agent" in reason
        # One socket fewer, one more fits.
        opened.pop().close()
        time.sleep(0.3)
        again = open_socket(base, third.token, origin)
        opened.append(again)
        assert refused_with(again, 0.3) is None
    finally:
        for ws in opened:
            ws.close()


@pytest.mark.slow
def test_sockets_never_take_the_threads_the_api_needs(
    app, sign_in, database_url, redis_url, tmp_path_factory
):
    threads = 6  # a quarter, at least 4, stays the API's: 2 sockets in this process
    env = {
        "ENV": "development",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "MOCK_FINESSE": "1",
        "WEB_THREADS": str(threads),
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("threads")),
    }
    server = ServerProcess(
        env, worker_class="server.web_worker.ThreadWorker", threads=threads
    ).wait_ready()
    opened = []
    try:
        agents = [sign_in(f"agent{n}") for n in (1, 2, 3)]
        origin = server.url
        opened = [open_socket(server.url, agent.token, origin) for agent in agents[:2]]
        assert all(refused_with(ws, 0.3) is None for ws in opened)
        for _ in range(5):  # a flood of sockets: each refused at once, its thread let go
            code, _reason = refused_with(open_socket(server.url, agents[2].token, origin))
            assert code == 1013
        http = requests.Session()
        http.trust_env = False
        started = time.monotonic()
        assert http.get(server.url + "/healthz", timeout=3).status_code == 200
        signed = http.post(
            server.url + "/api/v1/session",
            json={"finesse": {"id": "agent3", "authorization": basic("agent3", "password3")}},
            timeout=3,
        )
        assert signed.status_code == 201
        workspace = http.get(
            server.url + "/api/v1/workspace",
            headers={"Authorization": f"Bearer {signed.json()['token']}"},
            timeout=3,
        )
        assert workspace.status_code == 200
        assert time.monotonic() - started < 3
    finally:
        for ws in opened:
            ws.close()
        server.stop()
