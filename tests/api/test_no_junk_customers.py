"""C7, C8: a customer record needs something to find it by (a name, an email or a phone)."""

import pytest

from server.models import Customer


@pytest.mark.parametrize(
    "body",
    [{}, {"name": ""}, {"name": "   ", "email": "", "phone": ""}, {"fields": {"company": "X"}}],
)
def test_C7_a_customer_with_no_name_email_or_phone_is_refused(agent, body):
    before = Customer.select().count()
    response = agent.post("/api/v1/customers", json=body)
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["errors"]["name"] == ["Give a name, an email address or a phone number."]
    assert Customer.select().count() == before


@pytest.mark.parametrize("body", [{"name": "Ada"}, {"email": "a@b.nl"}, {"phone": "020 123 4567"}])
def test_C7_any_one_of_name_email_or_phone_is_enough(agent, body):
    assert agent.post("/api/v1/customers", json=body).status_code == 201


def test_C7_an_edit_that_clears_every_identity_is_refused_and_changes_nothing(agent):
    customer = agent.post(
        "/api/v1/customers", json={"name": "Ada", "email": "ada@example.org"}
    ).get_json()
    cleared = agent.patch(
        f"/api/v1/customers/{customer['id']}",
        json={"version": customer["version"], "name": "", "email": "", "phone": ""},
    )
    assert cleared.status_code == 422
    assert "name" in cleared.get_json()["errors"]
    now = agent.get(f"/api/v1/customers/{customer['id']}").get_json()
    assert now["name"] == "Ada" and now["version"] == customer["version"]
    # Clearing one while another stays is an ordinary edit.
    kept = agent.patch(
        f"/api/v1/customers/{customer['id']}",
        json={"version": customer["version"], "name": ""},
    )
    assert kept.status_code == 200 and kept.get_json()["email"] == "ada@example.org"


def test_C8_create_for_a_hidden_caller_needs_something_typed(agent):
    call = agent.call("", "hidden-1").get_json()
    refused = agent.post("/api/v1/customers", json={"activity_id": call["activity"]["id"]})
    assert refused.status_code == 422
    # The interaction still belongs to its unknown placeholder, which is still unknown.
    activity = agent.get(f"/api/v1/activities/{call['activity']['id']}").get_json()
    assert Customer.get_by_id(int(activity["customer_id"])).known is False
    created = agent.post(
        "/api/v1/customers", json={"activity_id": call["activity"]["id"], "name": "Anonymous Ann"}
    )
    assert created.status_code == 201


def test_C8_create_for_a_known_number_keeps_the_number_with_an_empty_form(agent):
    """An unknown caller's number is something to find them by, so the form may stay empty."""
    call = agent.call("+31 20 123 4567", "d1").get_json()
    created = agent.post("/api/v1/customers", json={"activity_id": call["activity"]["id"]})
    assert created.status_code == 201 and created.get_json()["phone_e164"] == "+31201234567"


def form(agent, method, path, data):
    return agent.client.open(
        path,
        method=method,
        data=data,
        headers={"Authorization": f"Bearer {agent.token}", "Accept-Language": "nl"},
    )


def test_C7_the_widget_refuses_an_empty_customer_with_a_message_and_keeps_the_form(agent):
    call = agent.call("", "hidden-2").get_json()
    response = form(agent, "POST", "/widget/customers", {"activity_id": call["activity"]["id"]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Geef een naam, een e-mailadres of een telefoonnummer." in page
    assert 'data-known="false"' in page and "hx-post" in page  # still the create form

    customer = agent.post("/api/v1/customers", json={"name": "Ada"}).get_json()
    cleared = form(
        agent,
        "PATCH",
        f"/widget/customers/{customer['id']}",
        {"version": customer["version"], "name": "", "email": "", "phone": ""},
    )
    assert cleared.status_code == 422
    assert "Geef een naam, een e-mailadres of een telefoonnummer." in cleared.get_data(as_text=True)
