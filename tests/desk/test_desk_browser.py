"""D1–D5 and D9 in Chromium, as people would do it: a customer starts a chat with the chat
widget on a website; agent 1 (Ready) is offered it, lets the offer run out and turns Not Ready;
agent 2 is offered it next, accepts, and they talk both ways; agent 2 tags the activity,
adds a request and moves the chat to it, and ends the chat; the transcript
and the tag are in the journey; agent 1 cannot read the chat."""

import pytest
from playwright.sync_api import expect

from server.services import offers
from tests.jobs.helpers import run_timed_work
from tests.waiting import wait_until

pytestmark = pytest.mark.browser


def status_of(desk_page):
    return desk_page.page.get_by_role("combobox", name="Status")


def test_D5_D9_two_agents_and_a_customer_chat(
    app, desk, desk_agents, desk_sign_in, short_offers, new_page
):
    # Ann is a customer already, with an open request.
    ann = desk_sign_in("care2").post(
        "/api/v1/customers", json={"name": "Ann Visitor", "email": "ann@example.org"}
    )
    desk_sign_in("care2").post(
        f"/api/v1/customers/{ann.get_json()['id']}/requests",
        json={"title": "Earlier order", "description": ""},
    )
    one = desk().open().sign_in("care1", desk_agents["care1"])
    two = desk().open().sign_in("care2", desk_agents["care2"])
    expect(one.page.get_by_text("Signed in as Care agent 1")).to_be_visible()
    status_of(one).select_option("Ready")
    wait_until(lambda: offers_state("care1") == "ready", message="agent 1 Ready")

    # The customer, on a website with the widget's one script tag.
    site = new_page()
    site.goto(app.config["PUBLIC_URL"] + "/chat/demo")
    site.get_by_role("button", name="Chat with us").click()
    site.get_by_role("textbox", name="Your name").fill("Ann Visitor")
    site.get_by_role("textbox", name="Email").fill("ann@example.org")
    site.get_by_role("button", name="Start chat").click()
    expect(site.get_by_text("Waiting for an agent…")).to_be_visible()

    # Agent 1 is offered it: a "New task" dialog counting down, and the tab's title flashing.
    offer = one.page.get_by_role("dialog", name="New task")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Ann Visitor")
    expect(offer).to_contain_text("seconds left to accept")
    one.page.wait_for_function("document.title.indexOf('New task') >= 0")
    expect(one.page.get_by_role("list", name="Queue")).to_contain_text("No tasks are waiting")

    status_of(two).select_option("Ready")
    wait_until(lambda: offers_state("care2") == "ready", message="agent 2 Ready")

    # Agent 1 lets it run out: the time-out runs on a real RQ worker.
    expect(offer).to_be_hidden(timeout=short_offers * 1000 + 3000)
    run_timed_work(app)
    expect(status_of(one)).to_have_value("not_ready")
    expect(one.page.get_by_role("alert")).to_contain_text("did not accept the offered task in time")

    # Agent 2 gets it next and accepts: it is Active, with the customer's context beside it.
    offer_two = two.page.get_by_role("dialog", name="New task")
    expect(offer_two).to_be_visible()
    offer_two.get_by_role("button", name="Accept").click()
    expect(offer_two).to_be_hidden()
    expect(two.page.get_by_role("list", name="Active tasks")).to_contain_text("Ann Visitor")
    expect(two.page.locator("#cd-context")).to_contain_text("ann@example.org")
    expect(site.get_by_text("An agent has joined the chat.")).to_be_visible()

    # They talk, both ways, live.
    site.get_by_role("textbox", name="Message").fill("Hello, my parcel did not arrive.")
    expect(two.page.locator("#desk-typing")).to_have_text("The customer is typing…")
    site.get_by_role("button", name="Send").click()
    expect(two.page.locator("#desk-chat")).to_contain_text("Hello, my parcel did not arrive.")
    two.page.get_by_role("textbox", name="Message").fill("Sorry to hear that. Let me look.")
    two.page.get_by_role("button", name="Send").click()
    expect(site.locator(".context-desk-chat")).to_contain_text("Sorry to hear that. Let me look.")

    # The customer reloads the page: the chat goes on (its token is in sessionStorage).
    site.reload()
    expect(site.locator(".chat-messages li")).to_have_count(2)
    site.get_by_role("textbox", name="Message").fill("Thanks, waiting.")
    site.get_by_role("button", name="Send").click()
    expect(two.page.locator("#desk-chat")).to_contain_text("Thanks, waiting.")

    # Agent 2 tags the activity and ends the chat.
    tag = two.page.locator("#cd-tag-input")
    tag.fill("parcel")
    tag.press("Enter")
    expect(two.page.locator("#cd-tag-list")).to_contain_text("parcel")

    # The chat joined Ann's open request (C1b); a request for the lost parcel is added (D8)
    # and the chat moves to it (D7), in the widget beside the pane.
    expect(two.page.locator("#cd-request-title")).to_have_value("Earlier order")
    two.page.locator("#cd-add-request summary").click()
    two.page.locator("#cd-new-request-title").fill("Lost parcel")
    two.page.locator("#cd-add-request button[type=submit]").click()
    expect(two.page.locator("#cd-request-title")).to_have_value("Lost parcel")
    expect(two.page.locator("#cd-journey-list")).to_contain_text("Lost parcel")
    two.page.get_by_role("button", name="End", exact=True).click()
    expect(site.get_by_text("The chat has ended.")).to_be_visible()
    expect(site.get_by_role("button", name="Send")).to_be_hidden()  # nobody to read it
    expect(two.page.get_by_role("list", name="Active tasks")).to_contain_text("No active task")

    # The transcript and the tag are in the customer's journey.
    journey = two.page.locator("#cd-journey-list")
    expect(journey).to_contain_text("Hello, my parcel did not arrive.")
    expect(journey).to_contain_text("Sorry to hear that. Let me look.")
    expect(journey).to_contain_text("parcel")

    # Agent 1 cannot read the chat (O5).
    task_id = two.page.locator("#desk-pane .desk-pane").get_attribute("data-task-id")
    refused = one.page.evaluate(
        """(id) => fetch('/desk/tasks/' + id + '/pane', {headers: {Authorization: 'Bearer ' +
             JSON.parse(sessionStorage.getItem('context-desk.desk-session')).token}})
             .then((r) => r.status)""",
        task_id,
    )
    assert refused == 403


def offers_state(agent_id):
    from server.models import database

    with database.connection_context():
        return offers.state_of(agent_id).state


def test_D9_a_visitor_the_site_knows_is_prefilled_and_leaving_shows_in_the_desk(
    app, desk, desk_agents, new_page
):
    agent = desk().open().sign_in("care1", desk_agents["care1"])
    queue = agent.page.get_by_role("list", name="Queue")
    site = new_page()
    site.goto(app.config["PUBLIC_URL"] + "/chat/demo?name=Ann%20Visitor&email=ann@example.org")
    site.get_by_role("button", name="Chat with us").click()
    expect(site.get_by_role("textbox", name="Your name")).to_have_value("Ann Visitor")
    expect(site.get_by_role("textbox", name="Email")).to_have_value("ann@example.org")
    site.get_by_role("button", name="Start chat").click()
    expect(queue).to_contain_text("Ann Visitor")

    # The visitor gives up before anyone accepts: the chat leaves the queue, live.
    site.get_by_role("button", name="End chat").click()
    expect(site.get_by_text("The chat has ended.")).to_be_visible()
    expect(queue).to_contain_text("No tasks are waiting")
    expect(queue).not_to_contain_text("Ann Visitor")

    # A new chat, accepted from the queue; the visitor leaves it: the agent's pane says so.
    site.get_by_role("button", name="Start a new chat").click()
    expect(site.get_by_role("textbox", name="Your name")).to_have_value("Ann Visitor")
    site.get_by_role("button", name="Start chat").click()
    queue.get_by_role("button").filter(has_text="Ann Visitor").click()
    agent.page.locator("#desk-preview").get_by_role("button", name="Accept").click()
    expect(site.get_by_text("An agent has joined the chat.")).to_be_visible()
    expect(agent.page.get_by_role("textbox", name="Message")).to_be_visible()
    site.get_by_role("button", name="End chat").click()
    expect(agent.page.locator("#desk-pane")).to_contain_text("The customer has left the chat.")
    active = agent.page.get_by_role("list", name="Active tasks")
    expect(active).to_contain_text("The customer has left the chat.")
    expect(agent.page.get_by_role("textbox", name="Message")).to_have_count(0)
    agent.page.get_by_role("button", name="End", exact=True).click()
    expect(agent.page.get_by_role("list", name="Active tasks")).to_contain_text("No active task")
