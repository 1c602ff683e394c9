"""O2, O3: a real Redis stopped and started under a real web process. While it is down,
edits are saved and answered (or a 503 with Retry-After, never a 500); once it is back,
empty, agents are still signed in (sessions live in the database)."""

import os
import shutil
import tempfile
import time

import pytest
import requests

from server.embedded import start_embedded_redis
from tests.conftest import basic
from tests.live.servers import ServerProcess

pytestmark = pytest.mark.slow


class OwnRedis:
    """A redis-server of this test's own on a unix socket: stop() and start(empty=True)."""

    def __init__(self):
        self.directory = tempfile.mkdtemp(prefix="cdr-", dir="/tmp")  # short socket path
        self.url, self._stop = start_embedded_redis(self.directory)

    def stop(self):
        self._stop()

    def start(self, empty=True):
        if empty:  # its data gone too, as after a crash without persistence
            for name in os.listdir(self.directory):
                path = os.path.join(self.directory, name)
                shutil.rmtree(path) if os.path.isdir(path) else os.unlink(path)
        url, self._stop = start_embedded_redis(self.directory)
        assert url == self.url

    def close(self):
        self._stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture
def outage(app, database_url, tmp_path_factory):
    redis = OwnRedis()
    env = {
        "ENV": "development",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis.url,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "MOCK_FINESSE": "1",
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("outage")),
    }
    server = ServerProcess(env, worker_class="server.web_worker.ThreadWorker", threads=16)
    try:
        server.wait_ready()
        yield server, redis
    finally:
        server.stop()
        redis.close()


def http(server, method, path, token=None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    session = requests.Session()
    session.trust_env = False
    return session.request(method, server.url + path, headers=headers, timeout=10, **kwargs)


def sign_in(server, agent_id="agent1"):
    return http(
        server,
        "POST",
        "/api/v1/session",
        json={
            "finesse": {"id": agent_id, "authorization": basic(agent_id, "password" + agent_id[-1])}
        },
    )


def test_O2_O3_redis_down_then_back_empty(outage):
    server, redis = outage
    signed = sign_in(server)
    assert signed.status_code == 201
    token = signed.json()["token"]
    call = http(
        server,
        "POST",
        "/api/v1/interactions",
        token,
        json={"medium": "call", "source_id": "d-1", "identity": {"phone": "+31201234567"}},
    ).json()
    request_id = call["request"]["id"]

    redis.stop()
    down_at = time.monotonic()
    answers = {
        "workspace": http(server, "GET", "/api/v1/workspace", token),
        "edit": http(
            server,
            "PATCH",
            f"/api/v1/requests/{request_id}",
            token,
            json={"version": call["request"]["version"], "title": "Saved while Redis was down"},
        ),
        "read back": http(server, "GET", f"/api/v1/requests/{request_id}", token),
        "comment": http(
            server,
            "POST",
            f"/api/v1/activities/{call['activity']['id']}/comments",
            token,
            json={"body": "Still here"},
        ),
        "sign in": sign_in(server, "agent2"),
        "queue": http(server, "GET", "/api/v1/queue", token),
    }
    for name, response in answers.items():
        assert response.status_code < 500 or response.status_code == 503, (name, response.text)
        if response.status_code == 503:
            assert response.headers["Retry-After"].isdigit(), name
            assert response.headers["Content-Type"] == "application/problem+json", name
    # The edits are saved and answered normally: sessions and records are in the database.
    assert answers["workspace"].status_code == 200
    assert answers["edit"].status_code == 200
    assert answers["read back"].json()["title"] == "Saved while Redis was down"
    assert answers["comment"].status_code == 201
    print(
        f"while down ({time.monotonic() - down_at:.1f} s):",
        {name: response.status_code for name, response in answers.items()},
    )

    redis.start(empty=True)
    back_at = time.monotonic()
    # Still signed in, against a Redis that knows nothing.
    assert http(server, "GET", "/api/v1/workspace", token).status_code == 200
    deadline = back_at + 30
    seen = []
    while (status := sign_in(server, "agent2").status_code) != 201:
        seen.append(status)
        assert status == 503, seen
        assert time.monotonic() < deadline, f"sign-in did not come back within 30 s: {seen}"
        time.sleep(2)
    print(f"sign-in back {time.monotonic() - back_at:.1f} s after Redis")
