"""Issue 11, item 8: the keyboard's focus is never lost to the page after an action that
replaces the control it was on: removing a tag (C6), creating or saving a customer (C7),
adding a request (D8). Keyboard only, from the control the agent is on."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def focused(page):
    return page.evaluate(
        "(document.activeElement.getAttribute('aria-label') || document.activeElement.id "
        "|| document.activeElement.textContent).trim()"
    )


def test_C6_removing_a_tag_hands_the_focus_to_the_next_tag_then_the_tag_field(unknown_caller):
    page = unknown_caller.page
    page.locator("#cd-tag-input").focus()
    for name in ("billing", "urgent", "vip"):
        page.keyboard.type(name)
        page.keyboard.press("Enter")
        expect(page.locator("#cd-tag-list .cd-tag-name").last).to_have_text(name)
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("button", name="Remove tag billing")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#cd-tag-list .cd-tag-name")).to_have_text(["urgent", "vip"])
    expect(page.get_by_role("button", name="Remove tag urgent")).to_be_focused()
    page.keyboard.press("Shift+Tab")  # not past the list: back to the next one
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Remove tag vip")).to_be_focused()
    page.keyboard.press("Enter")  # the last one: the one before takes its place
    expect(page.get_by_role("button", name="Remove tag urgent")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#cd-tag-list .cd-tag-name")).to_have_count(0)
    expect(page.locator("#cd-tag-input")).to_be_focused()


def test_C7_after_create_the_focus_is_on_the_new_customer_and_after_save_on_edit(
    unknown_caller, agent
):
    page = unknown_caller.page
    page.locator(".cd-customer-name").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Name", exact=True)).to_be_focused()
    page.keyboard.type("Grace Hopper")
    page.keyboard.press("Enter")  # submits the form
    name = page.locator(".cd-customer-name")
    expect(name).to_contain_text("Grace Hopper")
    expect(name).to_be_focused()
    page.keyboard.press("Tab")  # Close
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Edit")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Name", exact=True)).to_be_focused()
    page.keyboard.press("End")
    page.keyboard.type(" (Navy)")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    expect(page.get_by_role("button", name="Edit")).to_be_focused()
    assert focused(page) == "Edit"


def test_D8_after_adding_a_request_the_focus_is_on_its_title(known_customer):
    page = known_customer.page
    page.locator("#cd-add-request summary").focus()
    page.keyboard.press("Enter")  # opens Add request
    page.keyboard.press("Tab")
    expect(page.locator("#cd-new-request-title")).to_be_focused()
    page.keyboard.type("Second issue")
    page.keyboard.press("Enter")
    title = page.locator("#cd-request-title")
    expect(title).to_have_value("Second issue")
    expect(title).to_be_focused()
    page.keyboard.type(": refund")  # the agent goes on typing in the new request's title
    page.keyboard.press("Tab")
    expect(title).to_have_value("Second issue: refund")


def test_D8_a_request_added_without_the_interaction_leaves_the_focus_on_the_journey(
    known_customer,
):
    page = known_customer.page
    page.locator("#cd-add-request summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type("Later issue")
    page.keyboard.press("Tab")  # the description
    page.keyboard.press("Tab")  # "Move this interaction to the new request"
    page.keyboard.press("Space")  # unticked: the interaction stays where it is
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    journey = page.locator("#cd-journey-list")
    expect(journey).to_be_focused()
    expect(journey.locator(".cd-journey-text").first).to_contain_text("Later issue")
    expect(page.locator("#cd-request-title")).to_have_value("Invoice question")
