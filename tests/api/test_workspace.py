"""C8, C9: Open, Recent, close and reopen."""


def test_C8_close_moves_the_customer_from_open_to_recent(agent):
    call = agent.call("+31 20 123 4567", "d1").get_json()
    response = agent.post("/api/v1/workspace/close", json={"activity_id": call["activity"]["id"]})
    assert response.status_code == 200
    body = response.get_json()
    assert body["open"] == []
    assert [entry["identity"] for entry in body["recent"]] == [{"phone": "+31 20 123 4567"}]


def test_C8_closing_a_customer_not_in_open_is_404(agent):
    customer = agent.post("/api/v1/customers", json={"name": "X"}).get_json()
    response = agent.post("/api/v1/workspace/close", json={"customer_id": customer["id"]})
    assert response.status_code == 404
    assert agent.post("/api/v1/workspace/close", json={}).status_code == 422


def test_C9_reopen_from_recent_points_at_the_newest_activity(agent, frozen_clock):
    first = agent.call("+31 20 123 4567", "d1").get_json()
    customer = agent.post(
        "/api/v1/customers", json={"name": "Sanne", "activity_id": first["activity"]["id"]}
    ).get_json()
    frozen_clock.advance(minutes=1)
    second = agent.call("+31 20 123 4567", "d2").get_json()
    agent.post("/api/v1/workspace/close", json={"customer_id": customer["id"]})
    reopened = agent.post("/api/v1/workspace/open", json={"customer_id": customer["id"]})
    assert reopened.status_code == 200
    entry = reopened.get_json()["open"][0]
    assert entry["customer"]["id"] == customer["id"]
    assert entry["activity"]["id"] == second["activity"]["id"]
    assert entry["request"]["id"] == second["request"]["id"]
    assert reopened.get_json()["recent"] == []


def test_C9_reopen_from_search_and_update_the_newest_activity(agent):
    customer = agent.post("/api/v1/customers", json={"name": "Élodie Moreau"}).get_json()
    found = agent.get("/api/v1/customers", query_string={"q": "élodie"}).get_json()["items"]
    assert [c["id"] for c in found] == [customer["id"]]
    workspace = agent.post("/api/v1/workspace/open", json={"customer_id": customer["id"]})
    assert workspace.get_json()["open"][0]["activity"] is None  # no activity yet


def test_workspaces_are_per_agent(agent, agent2):
    agent.call("+31 20 123 4567", "d1")
    assert agent2.get("/api/v1/workspace").get_json()["open"] == []


def test_reopen_unknown_customer_is_404(agent):
    assert agent.post("/api/v1/workspace/open", json={"customer_id": "5555"}).status_code == 404
