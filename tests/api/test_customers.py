"""C7, C9: creating, editing and finding customers."""

import pytest


def test_C7_creating_a_customer_for_an_unknown_caller_attaches_activity_and_request(agent):
    call = agent.call("+31 20 123 4567", "d1").get_json()
    response = agent.post(
        "/api/v1/customers",
        json={
            "name": "Sanne Jansen",
            "email": "sanne@example.nl",
            "fields": {"company": "Jansen Bakkerij"},
            "activity_id": call["activity"]["id"],
        },
    )
    assert response.status_code == 201
    customer = response.get_json()
    assert customer["known"] is True
    assert customer["phone"] == "+31 20 123 4567"  # kept from the call
    assert customer["fields"] == {"company": "Jansen Bakkerij"}
    assert (
        agent.get(f"/api/v1/activities/{call['activity']['id']}").get_json()["customer_id"]
        == customer["id"]
    )
    assert (
        agent.get(f"/api/v1/requests/{call['request']['id']}").get_json()["customer_id"]
        == customer["id"]
    )
    # The next call from that number finds the customer.
    assert agent.call("0201234567", "d2").get_json()["customer"]["id"] == customer["id"]
    workspace = agent.get("/api/v1/workspace").get_json()
    assert workspace["open"][0]["customer"]["name"] == "Sanne Jansen"


def test_C7_an_activity_that_has_a_customer_cannot_make_another(agent):
    call = agent.call("+31 20 123 4567", "d1").get_json()
    body = {"name": "A", "activity_id": call["activity"]["id"]}
    assert agent.post("/api/v1/customers", json=body).status_code == 201
    again = agent.post("/api/v1/customers", json=body)
    assert again.status_code == 409


def test_C7_editing_a_customer_bumps_its_version(agent):
    customer = agent.post("/api/v1/customers", json={"name": "Ayşe"}).get_json()
    response = agent.patch(
        f"/api/v1/customers/{customer['id']}",
        json={"version": customer["version"], "name": "Ayşe Demir", "phone": "+90 212 555 0103"},
    )
    assert response.status_code == 200
    assert response.get_json()["version"] == customer["version"] + 1
    assert response.get_json()["phone_e164"] == "+902125550103"


def test_C3_stale_customer_edit_is_409_with_the_current_record(agent, agent2):
    customer = agent.post("/api/v1/customers", json={"name": "Ayşe"}).get_json()
    agent2.patch(
        f"/api/v1/customers/{customer['id']}",
        json={"version": customer["version"], "name": "Ayşe D."},
    )
    stale = agent.patch(
        f"/api/v1/customers/{customer['id']}", json={"version": customer["version"], "name": "Ayse"}
    )
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["current"]["name"] == "Ayşe D."
    assert body["current"]["version"] == customer["version"] + 1


@pytest.mark.parametrize("field", ["name"])
def test_C4_2000_characters_are_accepted_and_2001_refused_naming_the_field(agent, field):
    ok = agent.post("/api/v1/customers", json={field: "a" * 2000})
    assert ok.status_code == 201
    too_long = agent.post("/api/v1/customers", json={field: "a" * 2001})
    assert too_long.status_code == 422
    body = too_long.get_json()
    assert field in body["errors"]
    assert "2000" in body["errors"][field][0] and field in body["detail"]


def test_C4_free_fields_have_the_limit_too(agent):
    too_long = agent.post("/api/v1/customers", json={"fields": {"notes": "n" * 2001}})
    assert too_long.status_code == 422
    assert any("notes" in key for key in too_long.get_json()["errors"])


def test_invalid_email_is_422(agent):
    response = agent.post("/api/v1/customers", json={"name": "X", "email": "not-an-email"})
    assert response.status_code == 422
    assert "email" in response.get_json()["errors"]


def test_unknown_customer_is_404(agent):
    assert agent.get("/api/v1/customers/999999").status_code == 404
    assert agent.get("/api/v1/customers/abc").status_code == 404
    assert agent.patch("/api/v1/customers/999999", json={"version": 1}).status_code == 404


def test_C9_search_by_name_prefix_email_and_phone_in_any_format(agent):
    agent.post(
        "/api/v1/customers",
        json={"name": "Sanne Jansen", "email": "sanne@example.nl", "phone": "+31 20 123 4567"},
    )
    agent.post("/api/v1/customers", json={"name": "Sander Bakker", "email": "s.b@example.nl"})
    agent.call("+31 20 999 9999", "d-unknown")  # unknown customers are not search results

    def names(q):
        return [
            c["name"]
            for c in agent.get("/api/v1/customers", query_string={"q": q}).get_json()["items"]
        ]

    assert names("san") == ["Sander Bakker", "Sanne Jansen"]
    assert names("SANNE") == ["Sanne Jansen"]
    assert names("sanne@example") == ["Sanne Jansen"]
    assert names("020 123 45 67") == ["Sanne Jansen"]
    assert names("0031201234567") == ["Sanne Jansen"]
    assert names("+31209999999") == []


def test_C9_search_pages_through_1000_customers(agent, db):
    from server.models import Customer
    from server.services.customers import reindex_words

    Customer.insert_many(
        [
            {"name": f"Klant {i:04d}", "name_key": f"klant {i:04d}", "known": True}
            for i in range(1000)
        ]
    ).execute()
    reindex_words(customer.id for customer in Customer.select(Customer.id))
    seen, cursor, pages = [], None, 0
    while True:
        query = {"q": "klant", "limit": 100}
        if cursor:
            query["cursor"] = cursor
        body = agent.get("/api/v1/customers", query_string=query).get_json()
        seen += [c["name"] for c in body["items"]]
        pages += 1
        cursor = body["next"]
        if not cursor:
            break
    assert pages == 10
    assert seen == [f"Klant {i:04d}" for i in range(1000)]


def test_a_cursor_that_was_not_given_out_is_422(agent):
    response = agent.get("/api/v1/customers", query_string={"q": "a", "cursor": "%%%"})
    assert response.status_code == 422
    assert "cursor" in response.get_json()["errors"]
