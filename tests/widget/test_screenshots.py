"""Every view of the widget in every language, at 400 and 1200 px: written to test-artifacts/
for people to look at, and checked for what a screenshot would show wrong (sideways scrolling,
an English word left in another language)."""

import pytest
from playwright.sync_api import expect

from server.config import LOCALES

pytestmark = pytest.mark.browser

WIDTHS = (1200, 400)
# One word per language that only shows when the page really is in that language.
SEARCH_TAB = {"en": "Search", "nl": "Zoeken", "fr": "Rechercher", "tr": "Ara"}


def both_widths(widget, locale, view):
    """Screenshot a view at each width; at 400 px nothing may need sideways scrolling."""
    page = widget.page
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(100)  # the container queries re-lay the page out
        widget.shot(f"{locale}-{view}-{width}")
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"{view} in {locale} at {width}px scrolls sideways"
    page.set_viewport_size({"width": 1200, "height": 900})


@pytest.mark.parametrize("locale", LOCALES)
def test_C10_every_view_in_every_language_at_400_and_1200(agent, widget, locale):
    page = widget.page
    page.goto(f"{widget.base}/widget/?locale={locale}")
    both_widths(widget, locale, "sign-in")

    agent.post(
        "/api/v1/customers",
        json={
            "name": "Ada Lovelace",
            "email": "ada@example.org",
            "phone": "+31 20 555 0100",
            "fields": {"company": "Analytical Engines Ltd"},
        },
    )
    mail = agent.email("ada@example.org", "mail-1", subject="Invoice 42 is wrong").get_json()
    agent.post(f"/api/v1/activities/{mail['activity']['id']}/tags", json={"name": "billing"})
    agent.post(
        f"/api/v1/activities/{mail['activity']['id']}/comments",
        json={"body": "Promised a corrected invoice by Friday."},
    )
    agent.call("+31 6 1234 5678", "dialog-1")

    widget.open(locale=locale)
    expect(page.get_by_role("tab", name=SEARCH_TAB[locale])).to_be_visible()
    both_widths(widget, locale, "unknown-caller")

    page.locator(".cd-customer-name").click()
    both_widths(widget, locale, "create-form")

    page.locator("#cd-tag-input").fill("z" * 51)
    page.locator("#cd-tag-input").press("Enter")
    expect(page.locator("#cd-tag-error")).not_to_be_empty()
    page.locator("#cd-request-title").fill("t" * 2001)
    page.locator("#cd-request-title").press("Tab")
    expect(page.locator("#cd-request-title-error")).not_to_be_empty()
    both_widths(widget, locale, "refusals")

    page.locator("[data-cd-close]").click()
    expect(page.locator("#cd-dialog-unknown")).to_be_visible()
    both_widths(widget, locale, "prompt-create-discard")
    page.locator("#cd-dialog-unknown button[value=discard]").click()
    # The refused title is unsaved text of the request: Close asks about it too (C11).
    expect(page.locator("#cd-dialog-unsaved-request")).to_be_visible()
    both_widths(widget, locale, "prompt-request-unsaved")
    page.locator("#cd-dialog-unsaved-request button[value=discard]").click()
    expect(page.locator("#cd-open-list .cd-entry")).to_have_count(1)

    page.locator("#cd-open-list .cd-entry").click()
    expect(page.locator("#cd-customer")).to_have_attribute("data-known", "true")
    widget.settle()
    both_widths(widget, locale, "customer")

    page.locator(".cd-customer-name").click()
    page.locator("[data-cd-edit]").click()
    page.locator("#cd-customer-name").fill("Ada King")
    both_widths(widget, locale, "edit-form")
    page.locator("[data-cd-close]").click()
    expect(page.locator("#cd-dialog-unsaved")).to_be_visible()
    both_widths(widget, locale, "prompt-save-discard")
    page.locator("#cd-dialog-unsaved button[value=cancel]").click()
    page.locator("[data-cd-cancel]").click()

    page.locator("#cd-add-request summary").click()
    both_widths(widget, locale, "add-request")

    page.locator("[data-cd-close]").click()
    expect(page.locator("#cd-context .cd-placeholder")).to_be_visible()
    both_widths(widget, locale, "nothing-open")

    page.locator("#cd-tab-recent").click()
    both_widths(widget, locale, "recent")

    page.locator("#cd-tab-search").click()
    page.locator("#cd-search-q").fill("ada")
    page.locator("#cd-search-q").press("Enter")
    expect(page.locator("#cd-search-results .cd-row")).to_have_count(1)
    both_widths(widget, locale, "search")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("width", (320, 400, 1200))
def test_C10_tab_names_are_never_cut_off(widget, agent, locale, width):
    widget.page.set_viewport_size({"width": width, "height": 800})
    widget.open(locale=locale)
    clipped = widget.page.eval_on_selector_all(
        "[role=tab]",
        """tabs => {
        const pane = tabs[0].closest(".cd-pane").getBoundingClientRect();
        return tabs.filter(tab => tab.scrollWidth > tab.clientWidth
                                  || tab.getBoundingClientRect().right > pane.right + 0.5)
                   .map(tab => tab.textContent.trim());
    }""",
    )
    assert clipped == []
