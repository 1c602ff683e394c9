"""O6: structured logs with a request id that follows the work; never a secret or a body."""

import io
import json
import logging

import pytest
from rq.registry import ScheduledJobRegistry

from server import logs, timers
from server.services.sessions import create_local_agent
from tests.care.test_care_api import KEY
from tests.jobs.helpers import fire_scheduled, work

PASSWORD = "correct-horse-battery-staple"
BODY = "my parcel number is 9931-PRIVATE"


@pytest.fixture
def log_lines():
    """Every log line of every logger, as the service writes them in production (JSON)."""
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = logs.configure("json", "DEBUG", stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line]
    root.removeHandler(handler)
    root.setLevel(level)


def test_O6_a_request_id_is_taken_or_made_and_echoed(client):
    given = client.get("/healthz", headers={"X-Request-Id": "lb-4711.a"})
    assert given.headers["X-Request-Id"] == "lb-4711.a"
    made = client.get("/healthz")
    assert len(made.headers["X-Request-Id"]) == 32
    # Something that is not an id (a forged log field, a flood) is replaced, not echoed.
    for bad in ('x", "level": "ERROR', "x" * 129, ""):
        forged = client.get("/healthz", headers={"X-Request-Id": bad})
        assert len(forged.headers["X-Request-Id"]) == 32


def test_O6_lines_are_json_with_the_request_id_and_the_route(client, agent, log_lines):
    body = {"medium": "call", "source_id": "c1", "identity": {"phone": "+31 20 123 4567"}}
    popped = agent.post("/api/v1/interactions", json=body, headers={"X-Request-Id": "pop-1"})
    assert popped.status_code == 201 and popped.headers["X-Request-Id"] == "pop-1"
    access = [line for line in log_lines() if line["logger"] == "server.access"]
    assert {
        "level": "INFO",
        "request_id": "pop-1",
        "method": "POST",
        "route": "/api/v1/interactions",
        "status": 201,
    }.items() <= access[-1].items()
    assert access[-1]["time"]


def test_O6_the_request_id_follows_into_the_job_it_schedules(app, client, agent, log_lines, db):
    ready = {"Authorization": f"Bearer {agent.token}", "X-Request-Id": "ready-7"}
    assert client.put("/api/v1/agent/state", json={"state": "ready"}, headers=ready).status_code
    body = {"medium": "chat", "identity": {"chat": "visitor-7"}}
    queued = client.post(
        "/api/v1/tasks", json=body, headers={**KEY, "X-Request-Id": "queue-8"}
    ).get_json()
    registry = ScheduledJobRegistry(queue=timers.queue())
    [job_id] = registry.get_job_ids()
    job = timers.queue().fetch_job(job_id)
    assert job.meta["request_id"] == "queue-8"  # the offer was made by queueing the task
    assert str(queued["id"]) in job_id

    fire_scheduled(app)
    work(app)
    ran = [
        line
        for line in log_lines()
        if line["logger"] == "server.jobs" and job_id in line["message"]
    ]
    assert ran and all(line["request_id"] == "queue-8" for line in ran)


def test_O6_no_password_token_or_message_body_in_the_logs(app, client, log_lines, db):
    create_local_agent("care1", PASSWORD, "Care One")
    signed = client.post(
        "/api/v1/session", json={"local": {"username": "care1", "password": PASSWORD}}
    )
    assert signed.status_code == 201
    token = signed.get_json()["token"]
    wrong = client.post(
        "/api/v1/session", json={"local": {"username": "care1", "password": "nope-" + PASSWORD}}
    )
    assert wrong.status_code == 401
    headers = {"Authorization": f"Bearer {token}"}

    task = client.post(
        "/api/v1/tasks", json={"medium": "chat", "identity": {"chat": "visitor-7"}}, headers=KEY
    ).get_json()
    chat = {"Authorization": f"Bearer {task['chat_token']}"}
    path = f"/api/v1/tasks/{task['id']}/messages"
    assert client.post(path, json={"body": BODY}, headers=chat).status_code == 201
    assert client.post(f"/api/v1/tasks/{task['id']}/accept", headers=headers).status_code == 200
    assert client.post(path, json={"body": BODY + " (agent)"}, headers=headers).status_code == 201
    # The socket's token travels in the query string.
    client.get(f"/ws?token={token}", headers={"Origin": app.config["PUBLIC_URL"]})

    text = json.dumps(log_lines())
    assert len(log_lines()) >= 6  # there was something to look at
    for secret in (PASSWORD, token, task["chat_token"], BODY, KEY["X-Integration-Key"]):
        assert secret not in text, secret


def test_O6_the_redaction_masks_what_slips_through():
    assert logs.redact("GET /ws?token=abc123def HTTP/1.1") == "GET /ws?token=*** HTTP/1.1"
    assert logs.redact("Authorization: Bearer abc.def") == "Authorization: ***"
    assert logs.redact('{"password": "hunter2"}') == '{"password": "***"}'
