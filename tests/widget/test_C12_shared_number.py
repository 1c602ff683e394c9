"""C12, issue 11 item 7: a number shared by three customers is never silently resolved to one.
The screen-pop opens the customer updated last, says the number is others' too, names them,
and the agent moves the interaction to the right one (keyboard-usable)."""

import pytest
from playwright.sync_api import expect

from tests.widget.test_fragments import form, html

NUMBER = "+31 6 5555 0000"


@pytest.fixture
def family(agent):
    """Three customers on one landline, Carla updated last."""
    made = {}
    for name in ("Anna de Vries", "Bram de Vries", "Carla de Vries"):
        made[name] = agent.post(
            "/api/v1/customers", json={"name": name, "phone": NUMBER, "confirm_shared": True}
        ).get_json()
    return made


def open_entries(agent):
    return [
        entry["customer"]["name"] for entry in agent.get("/api/v1/workspace").get_json()["open"]
    ]


def journey_media(agent, customer):
    items = agent.get(f"/api/v1/customers/{customer['id']}/journey").get_json()["items"]
    return [item["activity"]["medium"] for item in items if item.get("activity")]


def test_C12_a_shared_number_pops_the_newest_names_the_others_and_moves_on_choice(agent, family):
    popped = agent.call("0655550000", "dialog-1").get_json()
    assert popped["customer"]["name"] == "Carla de Vries"
    activity = popped["activity"]
    page = html(form(agent, "GET", f"/widget/customers/{popped['customer']['id']}", {}))
    hint = page.split('class="cd-shared"')[1].split("</form>")[0]
    assert "This phone number belongs to other customers too." in hint
    assert "Move the interaction to Anna de Vries" in hint
    assert "Move the interaction to Bram de Vries" in hint and "Carla" not in hint
    bram = family["Bram de Vries"]
    moved = form(
        agent,
        "POST",
        f"/widget/activities/{activity['id']}/customer",
        {"customer_id": bram["id"], "version": activity["version"]},
    )
    assert moved.status_code == 200
    assert 'class="cd-customer-name-text">Bram de Vries<' in html(moved)
    assert agent.get(f"/api/v1/activities/{activity['id']}").get_json()["customer_id"] == bram["id"]
    assert open_entries(agent) == ["Bram de Vries"]
    assert journey_media(agent, bram) == ["call"]
    assert journey_media(agent, family["Carla de Vries"]) == []
    # The request opened for the call alone went with it: Carla has none left open.
    assert (
        agent.get(f"/api/v1/customers/{family['Carla de Vries']['id']}/requests").get_json()[
            "items"
        ]
        == []
    )


def test_C12_the_interaction_goes_only_to_a_customer_who_shares_the_number(agent, family):
    stranger = agent.post("/api/v1/customers", json={"name": "Stranger"}).get_json()
    activity = agent.call(NUMBER, "dialog-1").get_json()["activity"]
    refused = form(
        agent,
        "POST",
        f"/widget/activities/{activity['id']}/customer",
        {"customer_id": stranger["id"], "version": activity["version"]},
    )
    assert refused.status_code == 422
    stale = form(
        agent,
        "POST",
        f"/widget/activities/{activity['id']}/customer",
        {"customer_id": family["Anna de Vries"]["id"], "version": activity["version"] + 5},
    )
    assert stale.status_code == 409
    assert (
        agent.get(f"/api/v1/activities/{activity['id']}").get_json()["customer_id"]
        == (family["Carla de Vries"]["id"])
    )


@pytest.mark.browser
def test_C12_the_agent_picks_the_caller_from_the_keyboard(agent, family, widget):
    agent.call(NUMBER, "dialog-1")
    widget.open(locale="tr")
    page = widget.page
    expect(page.locator(".cd-customer-name-text")).to_have_text("Carla de Vries")
    hint = page.locator(".cd-shared")
    expect(hint.get_by_role("button")).to_have_count(2)
    widget.shot("C12-shared-number-tr-1200")
    hint.get_by_role("button").first.focus()
    page.keyboard.press("Tab")
    expect(hint.get_by_role("button").nth(1)).to_contain_text("Anna de Vries")
    page.keyboard.press("Enter")
    name = page.locator(".cd-customer-name")
    expect(name).to_contain_text("Anna de Vries")
    expect(name).to_be_focused()
    expect(page.locator("#cd-open-list .cd-entry-name")).to_have_text(["Anna de Vries"])
    expect(page.locator("#cd-journey-list .cd-journey-item.cd-current")).to_have_count(1)
    expect(page.locator(".cd-shared")).to_contain_text("Carla de Vries")  # still a choice
