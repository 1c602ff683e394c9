"""O6: `/healthz` says the process is alive; `/readyz` whether it can serve, naming what fails."""

import shutil
import tempfile

import pytest
import redis

from server import jobs
from server.embedded import start_embedded_redis
from server.extensions import redis_store
from server.models import database
from tests.jobs.helpers import work


def readiness(client):
    response = client.get("/readyz")
    return response.status_code, response.get_json(), response.mimetype


def test_O6_healthz_touches_no_store(client, monkeypatch):
    monkeypatch.setattr(redis_store, "url", "redis://127.0.0.1:1/0")  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_O6_ready_once_a_worker_beats(client, app):
    status, body, mimetype = readiness(client)
    assert status == 503 and mimetype == "application/problem+json"
    assert body["failing"] == ["worker"] and "worker" in body["detail"]

    work(app)  # a real RQ worker's loop writes the heartbeat

    status, body, _ = readiness(client)
    assert status == 200, body
    assert body["checks"] == {
        "database": "ok",
        "redis": "ok",
        "worker": "ok: 1 live",
        "migrations": "ok",
    }


@pytest.fixture
def own_redis():
    """A Redis server of this test's own, which it may stop and start again."""
    directory = tempfile.mkdtemp(prefix="cd-ready-", dir="/tmp")  # unix socket paths are short
    servers = []

    def start():
        url, stop = start_embedded_redis(directory)
        servers.append(stop)
        return url

    yield start, servers
    for stop in servers:
        stop()
    shutil.rmtree(directory, ignore_errors=True)


def test_O6_not_ready_while_redis_is_stopped_and_ready_again_when_it_is_back(
    client, app, own_redis, monkeypatch
):
    start, servers = own_redis
    url = start()
    monkeypatch.setattr(redis_store, "url", url)
    connection = redis.Redis.from_url(url)
    worker = jobs.SimpleWorker([jobs.queue(connection)], connection=connection, app=app)
    worker.work(burst=True, logging_level="WARNING")
    connection.close()
    assert readiness(client)[0] == 200

    servers[-1]()  # Redis stops

    status, body, mimetype = readiness(client)
    assert status == 503 and mimetype == "application/problem+json"
    assert body["failing"] == ["redis", "worker"]
    assert "redis" in body["detail"] and body["checks"]["database"] == "ok"

    assert start() == url  # Redis is back, with its data (append-only file)

    status, body, _ = readiness(client)
    assert status == 200, body


def test_O6_not_ready_with_a_pending_migration(client, app):
    work(app)
    with database.connection_context():
        latest = database.execute_sql(
            "SELECT name FROM schema_migration ORDER BY name DESC LIMIT 1"
        ).fetchone()[0]
        # The history row of the newest migration goes: for the service, it is pending again.
        database.execute_sql(f"DELETE FROM schema_migration WHERE name = '{latest}'")
    try:
        status, body, _ = readiness(client)
        assert status == 503 and body["failing"] == ["migrations"]
        assert body["checks"]["migrations"] == f"failing: {latest}"
    finally:
        with database.connection_context():
            database.execute_sql(
                "INSERT INTO schema_migration (name, applied) "
                f"VALUES ('{latest}', CURRENT_TIMESTAMP)"
            )
    assert readiness(client)[0] == 200
