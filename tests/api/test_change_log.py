"""O6: a record's change log is readable through the API (who, when, what) and never editable."""

import pytest


def new_customer(agent, name="Sanne"):
    return agent.post("/api/v1/customers", json={"name": name}).get_json()


def test_O6_customer_changes_say_who_when_and_what_newest_first(agent, agent2, frozen_clock):
    customer = new_customer(agent)
    frozen_clock.advance(minutes=5)
    agent2.patch(
        f"/api/v1/customers/{customer['id']}",
        json={"version": customer["version"], "email": "sanne@example.nl"},
    )
    response = agent.get(f"/api/v1/customers/{customer['id']}/changes")
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [(c["action"], c["agent"]["id"]) for c in items] == [
        ("updated", "agent2"),
        ("created", "agent1"),
    ]
    assert items[0]["at"] == "2026-01-05T09:05:00+00:00"
    assert items[0]["kind"] == "customer" and items[0]["record_id"] == customer["id"]
    assert "email" in items[0]["data"]["fields"]
    assert items[0]["agent"]["name"]  # the name the agent signed in with, not only an id


def test_O6_request_and_activity_changes_are_their_own(agent):
    call = agent.call("+31 6 1234 5678", "dialog-1").get_json()
    request, activity = call["request"], call["activity"]
    agent.post(f"/api/v1/activities/{activity['id']}/tags", json={"name": "Refund"})
    agent.patch(
        f"/api/v1/requests/{request['id']}",
        json={"version": request["version"], "title": "Refund asked"},
    )
    tags = agent.get(f"/api/v1/activities/{activity['id']}/changes").get_json()["items"]
    assert ("tagged", {"tag": "Refund"}) in [(c["action"], c["data"]) for c in tags]
    assert all(c["kind"] == "activity" for c in tags)
    edits = agent.get(f"/api/v1/requests/{request['id']}/changes").get_json()["items"]
    assert edits[0]["action"] == "updated" and "title" in edits[0]["data"]["fields"]
    assert all(c["kind"] == "request" for c in edits)


def test_O6_the_auto_close_is_logged_as_the_service_not_an_agent(app, agent, frozen_clock):
    customer = new_customer(agent)
    request = agent.post(f"/api/v1/customers/{customer['id']}/requests", json={}).get_json()
    frozen_clock.advance(days=5, seconds=1)
    assert app.test_cli_runner().invoke(args=["close-stale"]).exit_code == 0
    newest = agent.get(f"/api/v1/requests/{request['id']}/changes").get_json()["items"][0]
    assert newest["action"] == "closed" and newest["agent"] is None


def test_O6_changes_are_paged_by_cursor(agent):
    customer = new_customer(agent)
    version = customer["version"]
    for n in range(5):
        version = agent.patch(
            f"/api/v1/customers/{customer['id']}", json={"version": version, "name": f"S{n}"}
        ).get_json()["version"]
    path = f"/api/v1/customers/{customer['id']}/changes"
    first = agent.get(path, query_string={"limit": 4}).get_json()
    second = agent.get(path, query_string={"limit": 4, "cursor": first["next"]}).get_json()
    ids = [c["id"] for c in first["items"] + second["items"]]
    assert len(ids) == 6 == len(set(ids)) and second["next"] is None
    assert ids == sorted(ids, key=int, reverse=True)


@pytest.mark.parametrize("method", ["post", "patch", "put", "delete"])
def test_O6_the_change_log_cannot_be_edited(agent, client, method):
    customer = new_customer(agent)
    path = f"/api/v1/customers/{customer['id']}/changes"
    response = getattr(client, method)(
        path, json={}, headers={"Authorization": f"Bearer {agent.token}"}
    )
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert len(agent.get(path).get_json()["items"]) == 1


def test_O6_change_log_errors(agent, client):
    assert client.get("/api/v1/customers/1/changes").status_code == 401
    assert agent.get("/api/v1/requests/999999/changes").status_code == 404
    assert agent.get("/api/v1/activities/abc/changes").status_code == 404
    customer = new_customer(agent)
    bad = agent.get(f"/api/v1/customers/{customer['id']}/changes", query_string={"cursor": "x"})
    assert bad.status_code == 422
