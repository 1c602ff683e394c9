"""Issue 11, item 8: at 400 px (a Finesse gadget column) with the customer form open the widget
stays compact, and the journey shows that there is more: a "Show older" button that loads the
next page by its cursor, not an inner scroll box with no sign of more (C2)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def busy_customer(agent, widget):
    """Ada with 25 emails (more than a journey page) and a request with text."""
    agent.post(
        "/api/v1/customers",
        json={
            "name": "Ada Lovelace",
            "email": "ada@example.org",
            "phone": "+31 20 555 0100",
            "fields": {"company": "Analytical Engines Ltd"},
        },
    )
    for number in range(25):
        agent.email("ada@example.org", f"mail-{number}", subject=f"Question {number}")
    return widget


@pytest.mark.parametrize("locale", ["en", "nl"])
def test_C2_at_400_px_the_form_open_is_compact_and_the_journey_pages_with_show_older(
    busy_customer, locale
):
    widget = busy_customer
    page = widget.page
    page.set_viewport_size({"width": 400, "height": 900})
    widget.open(locale=locale)
    page.locator(".cd-customer-name").click()
    expect(page.locator("#cd-customer-form")).to_be_visible()
    height = page.evaluate("document.documentElement.scrollHeight")
    widget.shot(f"layout-400-form-open-{locale}")
    print(f"height at 400 px, form open, {locale}: {height}")
    # Each customer field on one line, its label beside the input.
    label, field = page.locator("label[for=cd-customer-phone]"), page.locator("#cd-customer-phone")
    assert (
        abs(label.bounding_box()["y"] - field.bounding_box()["y"]) < field.bounding_box()["height"]
    )
    journey = page.locator("#cd-journey-list")
    # No inner scroll box: the journey is as tall as what it shows.
    assert journey.evaluate("list => list.scrollHeight <= list.clientHeight + 1")
    items = journey.locator(".cd-journey-item")
    expect(items).to_have_count(10)
    older = page.locator(".cd-journey-more button")
    expect(older).to_be_visible()
    older.focus()
    for shown in (20, 27):  # 25 emails, the request opened, the customer created
        page.keyboard.press("Enter")
        expect(items).to_have_count(shown)
        # The focus goes to the first entry the page brought; Show older is the next stop.
        expect(items.nth(shown - (7 if shown == 27 else 10))).to_be_focused()
        page.keyboard.press("Tab")
    expect(page.locator(".cd-journey-more")).to_have_count(0)
