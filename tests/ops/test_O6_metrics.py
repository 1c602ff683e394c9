"""O6: Prometheus metrics at /metrics, for a scraper with the token only, and counting."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from server.models import Task
from tests.care.test_care_api import KEY, ready
from tests.jobs.helpers import run_timed_work, work

TOKEN = "metrics-token-for-tests"


@pytest.fixture
def scrape(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)

    def scrape():
        response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200
        assert response.content_type.startswith("text/plain")
        samples = {}
        for family in text_string_to_metric_families(response.get_data(as_text=True)):
            for sample in family.samples:
                samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        return samples

    return scrape


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_O6_metrics_are_not_served_without_a_token_configured(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", None)
    assert client.get("/metrics").status_code == 404


def test_O6_metrics_need_the_token(client, app, monkeypatch, agent):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    for headers in ({}, {"Authorization": "Bearer guess"}, {"Authorization": agent.token}):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    # An agent's session is not a scraper's token either.
    assert agent.get("/metrics").status_code == 401


def test_O6_a_screen_pop_moves_the_request_histogram_and_the_published_events(scrape, agent):
    route = dict(method="POST", route="/api/v1/interactions", status="201")
    name = "contextdesk_http_request_duration_seconds_count"
    before = scrape()

    response = agent.call("+31 20 123 4567", "call-1")  # the screen-pop of a call
    assert response.status_code == 201

    after = scrape()
    assert value(after, name, **route) == value(before, name, **route) + 1
    published = {
        labels: count
        for (metric, labels), count in after.items()
        if metric == "contextdesk_live_events_published_total"
    }
    assert sum(published.values()) >= 1
    # The route is the URL rule, never the raw path with its ids.
    activity = response.get_json()["activity"]["id"]
    assert agent.get(f"/api/v1/activities/{activity}").status_code == 200
    rule = dict(method="GET", route="/api/v1/activities/<activity_id>", status="200")
    samples = scrape()
    assert value(samples, name, **rule) >= 1
    assert not any(f"/{activity}" in dict(labels).get("route", "") for (_, labels) in samples)


def test_O6_offers_made_accepted_and_timed_out_are_counted(
    scrape, client, agent, frozen_clock, app, db
):
    ready(agent)
    for medium in ("chat", "chat"):
        body = {"medium": medium, "identity": {"chat": "visitor-7"}}
        assert client.post("/api/v1/tasks", json=body, headers=KEY).status_code == 201
    samples = scrape()
    assert value(samples, "contextdesk_offers_total", outcome="made") == 1
    assert value(samples, "contextdesk_tasks", status="queued") == 1
    assert value(samples, "contextdesk_tasks", status="offered") == 1
    assert value(samples, "contextdesk_jobs_scheduled", queue="default") >= 1

    frozen_clock.advance(seconds=16)  # the offer runs out (D5)
    run_timed_work(app)
    samples = scrape()
    assert value(samples, "contextdesk_offers_total", outcome="timed_out") == 1

    ready(agent)  # the next offer goes to the agent again, who accepts it
    offered = Task.get(Task.status == "offered")
    accepted = agent.post(
        f"/api/v1/tasks/{offered.id}/accept", json={"offer": offered.offer_number}
    )
    assert accepted.status_code in (200, 201), accepted.get_json()
    samples = scrape()
    assert value(samples, "contextdesk_offers_total", outcome="made") == 2
    assert value(samples, "contextdesk_offers_total", outcome="accepted") == 1


def test_O6_auto_closed_requests_are_counted(scrape, agent, frozen_clock, app):
    agent.call("+31 20 123 4567", "call-1")
    assert value(scrape(), "contextdesk_requests_auto_closed_total") == 0
    frozen_clock.advance(days=5, seconds=1)
    work(app)
    assert value(scrape(), "contextdesk_requests_auto_closed_total") == 1


def test_O6_failed_jobs_are_counted(scrape, app):
    from server import timers

    timers.queue().enqueue("server.jobs.no_such_job", job_id="doomed")  # fails on import
    work(app)
    samples = scrape()
    assert value(samples, "contextdesk_jobs_failed_total", job="server.jobs.no_such_job") == 1
    assert value(samples, "contextdesk_jobs_failed_kept", queue="default") == 1
