"""The Flask CLI commands a newcomer and an administrator use (O1)."""

import datetime

from server.models import Agent, Customer, Request


def test_O1_migrate_is_idempotent(app):
    result = app.test_cli_runner().invoke(args=["migrate"])
    assert result.exit_code == 0, result.output
    assert "none pending" in result.output


def test_O1_seed_demo_fills_an_empty_database_once(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    customers = Customer.select().count()
    assert customers >= 4
    assert Agent.get_by_id("agent1").source == "local"
    second = runner.invoke(args=["seed-demo"])
    assert "no demo data added" in second.output
    assert Customer.select().count() == customers


def test_D6_close_stale_closes_requests_idle_for_five_days(app, db, frozen_clock):
    customer = Customer.create(name="Idle")
    stale = Request.create(customer=customer, last_activity_at=frozen_clock.current)
    frozen_clock.advance(days=2)
    fresh = Request.create(customer=customer, last_activity_at=frozen_clock.current)
    frozen_clock.advance(days=3, seconds=1)
    result = app.test_cli_runner().invoke(args=["close-stale"])
    assert result.exit_code == 0, result.output
    assert "Closed 1 request" in result.output
    assert Request.get_by_id(stale.id).status == "closed"
    assert Request.get_by_id(stale.id).closed_at == frozen_clock.current
    assert Request.get_by_id(fresh.id).status == "open"


def test_create_agent_makes_a_local_account(app, client):
    result = app.test_cli_runner().invoke(
        args=["create-agent", "care9", "--name", "Care Nine"], input="pw-care9\npw-care9\n"
    )
    assert result.exit_code == 0, result.output
    response = client.post(
        "/api/v1/session", json={"local": {"username": "care9", "password": "pw-care9"}}
    )
    assert response.status_code == 201
    assert response.get_json()["agent"]["name"] == "Care Nine"


def test_times_are_written_with_their_utc_offset(agent, frozen_clock):
    body = agent.call("+31 20 123 4567", "d1").get_json()
    started = datetime.datetime.fromisoformat(body["activity"]["started_at"])
    assert started.utcoffset() == datetime.timedelta(0)
