"""C1, C1b: interactions from the desktop become activities on the right request."""


def test_C1_answered_call_from_unknown_number_puts_it_in_open(agent):
    response = agent.call("+31 20 123 4567", "dialog-1")
    assert response.status_code == 201
    body = response.get_json()
    assert body["customer"] is None
    assert body["identity"] == {"phone": "+31 20 123 4567"}
    assert body["activity"]["medium"] == "call"
    assert body["activity"]["source_id"] == "dialog-1"
    assert body["request"]["status"] == "open"
    workspace = agent.get("/api/v1/workspace").get_json()
    assert [entry["identity"] for entry in workspace["open"]] == [{"phone": "+31 20 123 4567"}]
    assert workspace["open"][0]["activity"]["id"] == body["activity"]["id"]


def test_C1_the_same_dialog_twice_makes_one_activity(agent):
    first = agent.call("+31201234567", "dialog-1")
    again = agent.call("+31201234567", "dialog-1")
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["activity"]["id"] == first.get_json()["activity"]["id"]
    customer_id = first.get_json()["activity"]["customer_id"]
    journey = agent.get(f"/api/v1/customers/{customer_id}/journey").get_json()
    assert sum(1 for item in journey["items"] if item["action"] == "started") == 1


def test_C1_known_customer_is_found_by_phone_in_any_format(agent):
    created = agent.post(
        "/api/v1/customers", json={"name": "Sanne Jansen", "phone": "+31 20 123 4567"}
    ).get_json()
    for number, dialog in (
        ("0031201234567", "d1"),
        ("020-1234567", "d2"),
        ("+31 (0)20 123 45 67", "d3"),
    ):
        body = agent.call(number, dialog).get_json()
        assert body["customer"]["id"] == created["id"], number


def test_C1_known_customer_is_found_by_email_and_chat(agent):
    created = agent.post(
        "/api/v1/customers",
        json={"name": "Élodie", "email": "Elodie@Example.fr", "chat": "elodie-42"},
    ).get_json()
    assert agent.email("elodie@example.fr", "m1").get_json()["customer"]["id"] == created["id"]
    assert agent.chat("elodie-42", "m2").get_json()["customer"]["id"] == created["id"]


def test_C1_a_caller_is_never_matched_by_a_guess(agent):
    agent.post("/api/v1/customers", json={"name": "Sanne", "phone": "+31 20 123 4567"})
    body = agent.call("+31 20 123 4568", "d1").get_json()
    assert body["customer"] is None


def test_C1_hidden_caller_id_is_an_unknown_customer(agent):
    first = agent.call("", "d1")
    second = agent.post("/api/v1/interactions", json={"medium": "call", "source_id": "d2"})
    assert first.status_code == 201 and second.status_code == 201
    assert first.get_json()["identity"] == {} and first.get_json()["customer"] is None
    assert (
        first.get_json()["activity"]["customer_id"] != second.get_json()["activity"]["customer_id"]
    )


def test_C1b_activity_joins_the_most_recently_updated_open_request(agent, frozen_clock):
    customer = agent.post(
        "/api/v1/customers", json={"name": "Ayşe", "phone": "+90 212 555 0103"}
    ).get_json()
    older = agent.post(
        f"/api/v1/customers/{customer['id']}/requests", json={"title": "Old"}
    ).get_json()
    frozen_clock.advance(hours=1)
    newer = agent.post(
        f"/api/v1/customers/{customer['id']}/requests", json={"title": "New"}
    ).get_json()
    frozen_clock.advance(hours=1)
    # Editing the older one makes it the most recently updated.
    agent.patch(
        f"/api/v1/requests/{older['id']}",
        json={"version": older["version"], "title": "Old, edited"},
    )
    frozen_clock.advance(minutes=5)
    body = agent.call("+902125550103", "d1").get_json()
    assert body["request"]["id"] == older["id"]
    assert body["request"]["id"] != newer["id"]


def test_C1b_no_open_request_makes_a_new_one(agent):
    customer = agent.post(
        "/api/v1/customers", json={"name": "James", "email": "j@example.co.uk"}
    ).get_json()
    closed = agent.post(f"/api/v1/customers/{customer['id']}/requests", json={}).get_json()
    agent.patch(
        f"/api/v1/requests/{closed['id']}", json={"version": closed["version"], "status": "closed"}
    )
    body = agent.email("j@example.co.uk", "m1", subject="Invoice").get_json()
    assert body["request"]["id"] != closed["id"]
    assert body["request"]["title"] == "Invoice"


def test_C1b_a_second_call_from_an_unknown_number_joins_its_open_request(agent):
    first = agent.call("+31 6 1234 5678", "d1").get_json()
    second = agent.call("06-12345678", "d2").get_json()
    assert second["request"]["id"] == first["request"]["id"]


def test_ending_an_interaction_sets_ended_at(agent):
    agent.call("+31 20 123 4567", "dialog/with/slashes_1")
    response = agent.post("/api/v1/interactions/dialog/with/slashes_1/end")
    assert response.status_code == 200
    assert response.get_json()["ended_at"] is not None
    assert agent.post("/api/v1/interactions/unknown/end").status_code == 404


def test_unknown_medium_is_422_naming_the_field(agent):
    response = agent.post("/api/v1/interactions", json={"medium": "fax", "source_id": "x"})
    assert response.status_code == 422
    assert "medium" in response.get_json()["errors"]


def test_malformed_json_and_wrong_content_type_are_400(agent):
    bad_json = agent.post(
        "/api/v1/interactions", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert bad_json.status_code == 400
    assert bad_json.mimetype == "application/problem+json"
    form = agent.post(
        "/api/v1/interactions",
        data="medium=call",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 400


def test_body_too_large_is_413(agent):
    response = agent.post(
        "/api/v1/interactions",
        data="x" * (300 * 1024),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
