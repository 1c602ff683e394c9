"""D2: in a queued task's preview, selecting or pointing at a journey entry shows its details
(the activity with its tags and comments, its request, a chat's transcript), read-only."""

import re

import pytest
from playwright.sync_api import expect

from server.models import database
from server.services import offers


@pytest.fixture
def history(desk_sign_in, queue_task):
    """Ada had a call about her engine, tagged and commented; now she emails again."""
    agent = desk_sign_in("care2")
    ada = agent.post(
        "/api/v1/customers",
        json={"name": "Ada Lovelace", "email": "ada@example.org", "phone": "+31 20 555 0199"},
    )
    assert ada.status_code == 201, ada.get_json()
    call = queue_task("call", {"phone": "+31 20 555 0199"}, subject="Engine noise")
    accepted = agent.post(f"/api/v1/tasks/{call['id']}/accept", json={}).get_json()
    activity = accepted["activity"]
    customer_id = activity["customer_id"]
    assert str(customer_id) == str(ada.get_json()["id"])
    agent.post(f"/api/v1/activities/{activity['id']}/tags", json={"name": "engine"})
    agent.post(
        f"/api/v1/activities/{activity['id']}/comments", json={"body": "Promised a call back."}
    )
    agent.post(f"/api/v1/tasks/{call['id']}/end")
    task = queue_task("email", {"email": "ada@example.org"}, subject="Again", name="Ada")
    return {"task": task, "customer_id": customer_id}


def entry_ids(html):
    return re.findall(r'data-cd-change="(\d+)"', html)


def test_D2_a_journey_entry_of_a_queued_task_shows_its_details(desk_sign_in, history):
    agent = desk_sign_in("care1")
    task = history["task"]
    preview = agent.get(f"/desk/tasks/{task['id']}/preview").get_data(as_text=True)
    assert "Ada Lovelace" in preview
    shown = [
        agent.get(f"/desk/tasks/{task['id']}/journey/{change}").get_data(as_text=True)
        for change in entry_ids(preview)
    ]
    call = next(html for html in shown if "Promised a call back." in html)
    assert "engine" in call and "Engine noise" in call and "care2" in call
    assert "<form" not in call and "<input" not in call  # read-only, as the preview


def test_D2_O5_an_entry_is_only_shown_for_a_task_the_agent_may_preview(
    client, desk_sign_in, history, queue_task
):
    one, two = desk_sign_in("care1"), desk_sign_in("care2")
    task = history["task"]
    preview = one.get(f"/desk/tasks/{task['id']}/preview").get_data(as_text=True)
    change = entry_ids(preview)[0]
    path = f"/desk/tasks/{task['id']}/journey/{change}"
    assert client.get(path).status_code == 401
    # An entry that is not of this task's customer, or no entry at all: 404.
    stranger = queue_task("chat", {"email": "zed@example.org"})
    assert one.get(f"/desk/tasks/{stranger['id']}/journey/{change}").status_code == 404
    assert one.get(f"/desk/tasks/{task['id']}/journey/abc").status_code == 404
    # Taken by agent 2: agent 2 still sees it, agent 1 no longer.
    two.post(f"/api/v1/tasks/{task['id']}/accept", json={})
    assert two.get(path).status_code == 200
    assert one.get(path).status_code == 403


@pytest.mark.browser
def test_D2_pointing_at_or_tabbing_to_an_entry_shows_it_in_the_preview(desk, desk_agents, history):
    agent = desk().open().sign_in("care1", desk_agents["care1"])
    page = agent.page
    page.get_by_role("list", name="Queue").get_by_role("button").filter(has_text="Again").click()
    journey = page.locator("#desk-preview .desk-preview-journey")
    details = page.locator("#desk-preview-entry")
    expect(details).to_be_hidden()
    call = journey.locator("[data-cd-change]").filter(has_text="Engine noise").first
    call.hover()
    expect(details).to_be_visible()
    expect(details).to_contain_text("Promised a call back.")
    expect(details).to_contain_text("engine")
    agent.shot("desk-en-preview-entry-1280")
    # By keyboard: the entries take the focus in turn, each showing its details.
    first = journey.locator("[data-cd-change]").first
    first.focus()
    expect(first).to_have_attribute("aria-current", "true")
    page.keyboard.press("ArrowDown")
    second = journey.locator("[data-cd-change]").nth(1)
    expect(second).to_be_focused()
    expect(second).to_have_attribute("aria-current", "true")
    expect(details.locator(".desk-entry")).to_have_attribute(
        "data-change-id", second.get_attribute("data-cd-change")
    )
    with database.connection_context():
        assert offers.state_of("care1").state == "not_ready"
