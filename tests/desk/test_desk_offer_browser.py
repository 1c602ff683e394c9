"""D5's offer in Chromium: the "New task" dialog stands until Accept or the time-out (Escape
does not dismiss it), the tab's title flashes, and the chime the agent opted into sounds."""

import pytest
from playwright.sync_api import expect

from tests.waiting import wait_until

pytestmark = pytest.mark.browser


def test_D5_the_offer_stands_through_escape_flashes_the_title_and_chimes(
    desk, desk_agents, queue_task
):
    agent = desk().open().sign_in("care1", desk_agents["care1"])
    page = agent.page
    title = page.title()
    page.get_by_role("checkbox", name="Sound for new tasks").check()
    page.get_by_role("combobox", name="Status").select_option("Ready")
    queue_task("call", {"phone": "+31 20 555 0101"}, subject="Delivery", name="Bo Caller")

    offer = page.get_by_role("dialog", name="New task")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Bo Caller")

    # The title alternates between the offer and the page's own title while the offer stands.
    seen = set()

    def both_titles():
        seen.add(page.title())
        return any("New task" in t for t in seen) and title in seen

    wait_until(both_titles, 5, message="the title flashing")

    # The agent opted in: a chime was played through Web Audio (no file fetched).
    assert page.evaluate("ContextDesk.desk.offer.state.chimes") >= 1
    assert page.evaluate("ContextDesk.desk.offer.state.audio.state") == "running"

    # Escape, again and again, leaves the offer on screen: only Accept or the time-out end it.
    for _ in range(3):
        page.keyboard.press("Escape")
        page.wait_for_timeout(150)
        expect(offer).to_be_visible()
    expect(offer.get_by_role("button", name="Accept")).to_be_focused()
    page.keyboard.press("Enter")
    expect(offer).to_be_hidden()
    expect(page.get_by_role("list", name="Active tasks")).to_contain_text("Bo Caller")
    wait_until(lambda: page.title() == title, 3, message="the title back")

    # The choice is kept for the next visit.
    page.reload()
    agent.page.wait_for_selector("#desk-lists:not([aria-busy])")
    expect(page.get_by_role("checkbox", name="Sound for new tasks")).to_be_checked()


def test_D5_decline_hands_the_offer_on_and_says_why_the_agent_is_not_ready(
    desk, desk_agents, queue_task
):
    page = desk().open().sign_in("care1", desk_agents["care1"]).page
    page.get_by_role("combobox", name="Status").select_option("Ready")
    queue_task("email", {"email": "cy@example.org"}, subject="Refund", name="Cy")
    offer = page.get_by_role("dialog", name="New task")
    offer.get_by_role("button", name="Decline").click()
    expect(offer).to_be_hidden()
    expect(page.get_by_role("combobox", name="Status")).to_have_value("not_ready")
    expect(page.get_by_role("alert")).to_contain_text("You declined the task")
    expect(page.get_by_role("list", name="Queue")).to_contain_text("Refund")


def test_D5_D9_an_offered_chat_the_visitor_ends_is_withdrawn_from_the_dialog(
    app, desk, desk_agents, new_page
):
    page = desk().open().sign_in("care1", desk_agents["care1"]).page
    page.get_by_role("combobox", name="Status").select_option("Ready")
    site = new_page()
    site.goto(app.config["PUBLIC_URL"] + "/chat/demo?name=Dee&email=dee@example.org")
    site.get_by_role("button", name="Chat with us").click()
    site.get_by_role("button", name="Start chat").click()
    offer = page.get_by_role("dialog", name="New task")
    expect(offer).to_be_visible()
    site.get_by_role("button", name="End chat").click()
    expect(offer).to_be_hidden()
    expect(page.get_by_role("alert")).to_contain_text("The customer left before the chat")
    expect(page.get_by_role("combobox", name="Status")).to_have_value("ready")  # no penalty
