"""C13 and issue 11's item 5 in Chromium: the screen keeps up with what happened, with no false
warning. Another agent accepting an email of the customer on screen adds a journey entry and
no "changed this request"; the agent's own edits show in the journey and the Open entry at
once; the end time shows when the interaction ends; a request closes and reopens in place."""

import pytest
from playwright.sync_api import expect

from tests.waiting import wait_until

pytestmark = pytest.mark.browser


@pytest.fixture
def ada(agent, widget):
    customer = agent.post(
        "/api/v1/customers", json={"name": "Ada Lovelace", "email": "ada@example.org"}
    ).get_json()
    agent.email("ada@example.org", "mail-1", subject="Invoice question")
    widget.open()
    page = widget.page
    expect(page.locator(".cd-customer-name-text")).to_have_text("Ada Lovelace")
    key = f"customer:{customer['id']}"
    wait_until(
        lambda: page.evaluate(
            "() => !!(window.ContextDesk && ContextDesk.live"
            f" && ContextDesk.live.watching({key!r}))"
        ),
        message="the socket to watch the customer",
    )
    return widget


def test_C3_C13_another_agent_accepting_an_email_refreshes_the_journey_without_a_warning(
    ada, agent2
):
    page = ada.page
    journey = page.locator("#cd-journey-list .cd-journey-item")
    before = journey.count()
    agent2.email("ada@example.org", "mail-2", subject="Second question")
    expect(journey).to_have_count(before + 1)
    expect(page.locator("#cd-journey-list")).to_contain_text("Second question")
    page.wait_for_timeout(300)  # a warning would have come with the same event
    expect(page.locator("[data-cd-live-warning]")).to_have_count(0)
    # The title the agent saves now is not refused as stale.
    title = page.locator("#cd-request-title")
    title.fill("Invoice paid twice")
    title.press("Tab")
    expect(page.locator("#cd-request-status")).to_have_text("Saved")


def test_C13_own_edits_show_in_the_journey_and_the_open_entry_and_the_end_time_arrives(ada, agent):
    page = ada.page
    title = page.locator("#cd-request-title")
    title.fill("Invoice paid twice")
    title.press("Tab")
    expect(page.locator("#cd-request-status")).to_have_text("Saved")
    expect(page.locator("#cd-journey-list .cd-journey-text").first).to_have_text(
        "Request changed (Title): Invoice paid twice"
    )
    expect(page.locator("#cd-open-list .cd-entry-sub")).to_have_text("Email · Invoice paid twice")
    expect(page.locator("#cd-activity-times time")).to_have_count(1)
    agent.post("/api/v1/interactions/mail-1/end")
    expect(page.locator("#cd-activity-times time")).to_have_count(2)
    ada.shot("C13-journey-after-edit-1200")


def test_C5_close_and_reopen_the_request_in_the_widget(ada):
    page = ada.page
    page.locator("#cd-request-description").fill("Refunded the second payment.")
    page.get_by_role("button", name="Close request").click()
    expect(page.locator("#cd-request .cd-status-label")).to_have_text("Closed")
    expect(page.locator("#cd-request-title")).to_have_attribute("readonly", "")
    expect(page.locator("#cd-request-description")).to_have_value("Refunded the second payment.")
    expect(page.locator("#cd-request-closed-note")).to_be_visible()
    expect(page.locator("#cd-journey-list .cd-journey-text").first).to_contain_text(
        "Request closed"
    )
    ada.shot("C5-request-closed-1200")
    page.get_by_role("button", name="Reopen request").click()
    expect(page.locator("#cd-request .cd-status-label")).to_have_text("Open")
    expect(page.locator("#cd-request-title")).not_to_have_attribute("readonly", "")
    expect(page.get_by_role("button", name="Close request")).to_be_visible()
