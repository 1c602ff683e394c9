"""C5, D8: requests added, edited, closed and reopened."""


def new_customer(agent, name="Sanne"):
    return agent.post("/api/v1/customers", json={"name": name}).get_json()


def test_D8_add_request_creates_an_open_request(agent):
    customer = new_customer(agent)
    response = agent.post(
        f"/api/v1/customers/{customer['id']}/requests",
        json={"title": "Broken lamp", "description": "Arrived broken."},
    )
    assert response.status_code == 201
    request = response.get_json()
    assert request["status"] == "open" and request["closed_at"] is None
    assert request["customer_id"] == customer["id"]
    assert set(request) >= {
        "id",
        "customer_id",
        "title",
        "description",
        "status",
        "created_at",
        "updated_at",
        "closed_at",
        "version",
    }
    listed = agent.get(
        f"/api/v1/customers/{customer['id']}/requests", query_string={"status": "open"}
    ).get_json()["items"]
    assert [r["id"] for r in listed] == [request["id"]]


def test_C5_closing_sets_closed_at_and_reopening_clears_it(agent, frozen_clock):
    customer = new_customer(agent)
    request = agent.post(f"/api/v1/customers/{customer['id']}/requests", json={}).get_json()
    frozen_clock.advance(days=1)
    closed = agent.patch(
        f"/api/v1/requests/{request['id']}",
        json={"version": request["version"], "status": "closed"},
    ).get_json()
    assert closed["status"] == "closed"
    assert closed["closed_at"] == "2026-01-06T09:00:00+00:00"
    assert closed["created_at"] == "2026-01-05T09:00:00+00:00"
    reopened = agent.patch(
        f"/api/v1/requests/{request['id']}", json={"version": closed["version"], "status": "open"}
    ).get_json()
    assert reopened["status"] == "open" and reopened["closed_at"] is None


def test_C3_stale_request_edit_is_409_and_nothing_is_written(agent, agent2):
    customer = new_customer(agent)
    request = agent.post(
        f"/api/v1/customers/{customer['id']}/requests", json={"title": "One"}
    ).get_json()
    assert (
        agent2.patch(
            f"/api/v1/requests/{request['id']}",
            json={"version": request["version"], "title": "Two"},
        ).status_code
        == 200
    )
    stale = agent.patch(
        f"/api/v1/requests/{request['id']}", json={"version": request["version"], "title": "Three"}
    )
    assert stale.status_code == 409
    assert stale.get_json()["current"]["title"] == "Two"
    assert agent.get(f"/api/v1/requests/{request['id']}").get_json()["title"] == "Two"


def test_C4_request_title_and_description_limits(agent):
    customer = new_customer(agent)
    request = agent.post(f"/api/v1/customers/{customer['id']}/requests", json={}).get_json()
    ok = agent.patch(
        f"/api/v1/requests/{request['id']}",
        json={"version": request["version"], "description": "d" * 2000},
    )
    assert ok.status_code == 200
    refused = agent.patch(
        f"/api/v1/requests/{request['id']}",
        json={"version": ok.get_json()["version"], "title": "t" * 2001},
    )
    assert refused.status_code == 422
    assert list(refused.get_json()["errors"]) == ["title"]


def test_version_is_required_and_status_must_be_known(agent):
    customer = new_customer(agent)
    request = agent.post(f"/api/v1/customers/{customer['id']}/requests", json={}).get_json()
    missing = agent.patch(f"/api/v1/requests/{request['id']}", json={"title": "x"})
    assert missing.status_code == 422 and "version" in missing.get_json()["errors"]
    bad = agent.patch(
        f"/api/v1/requests/{request['id']}",
        json={"version": request["version"], "status": "pending"},
    )
    assert bad.status_code == 422 and "status" in bad.get_json()["errors"]


def test_unknown_request_is_404(agent):
    assert agent.get("/api/v1/requests/424242").status_code == 404
    assert agent.post("/api/v1/customers/424242/requests", json={}).status_code == 404
