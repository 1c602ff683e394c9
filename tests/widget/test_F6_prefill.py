"""F6: the new-customer form is prefilled from the configured call variables / media
properties of the interaction, never auto-created."""

import pytest

from server.models import Customer


@pytest.fixture
def prefill(app):
    app.config["PREFILL_FROM"] = (
        "name=callVariable1, fields.company=callVariable2, email=callVariable3, bogus=x, phone="
    )
    yield
    app.config["PREFILL_FROM"] = ""


def test_F6_the_form_for_an_unknown_caller_is_prefilled_from_call_variables(agent, prefill):
    call = agent.call(
        "+31 20 555 0142",
        "dialog-f6",
        properties={"callVariable1": "Sanne Jansen", "callVariable2": "Jansen Bakkerij"},
    ).get_json()
    customer_id = call["activity"]["customer_id"]
    for path in (
        f"/widget/customers/{customer_id}?activity={call['activity']['id']}",
        f"/widget/customers/{customer_id}/card",
    ):
        page = agent.get(path).get_data(as_text=True)
        assert 'value="Sanne Jansen"' in page and 'value="Jansen Bakkerij"' in page
        assert 'value="+31 20 555 0142"' in page  # the caller's own number stays
        assert 'data-known="false"' in page  # a prefill, not a customer (C7)
    assert Customer.get_by_id(int(customer_id)).known is False


def test_F6_nothing_is_prefilled_without_the_setting(agent):
    call = agent.call(
        "+31 20 555 0143", "dialog-f6b", properties={"callVariable1": "Sanne Jansen"}
    ).get_json()
    card = agent.get(f"/widget/customers/{call['activity']['customer_id']}/card")
    assert "Sanne Jansen" not in card.get_data(as_text=True)


def test_F6_a_known_customers_form_is_what_is_stored(agent, prefill):
    agent.post("/api/v1/customers", json={"name": "Ada", "phone": "+31 20 555 0144"})
    call = agent.call(
        "+31 20 555 0144", "dialog-f6c", properties={"callVariable1": "Someone else"}
    ).get_json()
    page = agent.get(f"/widget/customers/{call['activity']['customer_id']}/card")
    assert "Someone else" not in page.get_data(as_text=True)
