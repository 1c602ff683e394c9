"""The views issue 11 added or changed, in every language at 400 and 1200 px (test-artifacts/):
a closed request with edit entries in the journey (C5, C13), unsaved text put back (C11), a
new interaction announced while typing (C11), an empty customer refused (C7)."""

import pytest
from playwright.sync_api import expect

from server.config import LOCALES
from tests.widget.test_screenshots import both_widths

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", LOCALES)
def test_C10_issue11_views_in_every_language_at_400_and_1200(agent, widget, locale):
    page = widget.page
    customer = agent.post(
        "/api/v1/customers", json={"name": "Ada Lovelace", "email": "ada@example.org"}
    ).get_json()
    agent.email("ada@example.org", "mail-1", subject="Invoice 42 is wrong")
    agent.patch(
        f"/api/v1/customers/{customer['id']}",
        json={"version": customer["version"], "fields": {"company": "Analytical Engines"}},
    )
    widget.open(locale=locale)
    expect(page.locator("#cd-customer")).to_have_attribute("data-known", "true")

    page.locator("#cd-request-title").fill("Invoice 42 charged twice")
    page.locator("#cd-request-title").press("Tab")
    page.locator("[data-cd-request-status]").click()
    expect(page.locator("#cd-request-closed-note")).to_be_visible()
    widget.settle()
    both_widths(widget, locale, "request-closed-journey-edits")
    page.locator("[data-cd-request-status]").click()
    expect(page.locator("#cd-request-closed-note")).to_have_count(0)

    page.locator("#cd-request-description").click()
    page.locator("#cd-request-description").press_sequentially("Half typed")
    agent.call("+31 6 1234 5678", "dialog-1")
    widget.page.evaluate("ContextDesk.widget.refresh()")
    expect(page.locator("[data-cd-arrived]")).to_be_visible()
    both_widths(widget, locale, "new-interaction-while-typing")

    page.reload()
    widget.settle()
    page.locator(f'#cd-open-list [data-customer-id="{customer["id"]}"]').click()
    expect(page.locator("#cd-request [data-cd-draft-notice]")).to_be_visible()
    both_widths(widget, locale, "draft-offered-back")

    page.locator('#cd-open-list [data-cd-select]:not([aria-current="true"])').click()
    expect(page.locator("#cd-customer")).to_have_attribute("data-known", "false")
    agent.call("", "hidden-1")
    page.evaluate("ContextDesk.widget.refresh()")
    widget.settle()
    page.locator(".cd-customer-name").click()
    page.locator("#cd-customer-phone").fill("")
    page.locator("[data-cd-create]").click()
    expect(page.locator("#cd-customer-name-error")).not_to_be_empty()
    both_widths(widget, locale, "create-refused-empty")


@pytest.mark.parametrize("locale", LOCALES)
def test_C10_C12_shared_identity_views_in_every_language_at_400_and_1200(agent, widget, locale):
    """The choice for a number three customers share, and the prompt for a taken email."""
    for name in ("Anna de Vries", "Bram de Vries", "Carla de Vries"):
        agent.post(
            "/api/v1/customers",
            json={"name": name, "phone": "+31 6 5555 0000", "confirm_shared": True},
        )
    agent.call("+31 6 5555 0000", "dialog-1")
    widget.open(locale=locale)
    page = widget.page
    expect(page.locator(".cd-shared [data-cd-choose-customer]")).to_have_count(2)
    both_widths(widget, locale, "shared-number-choice")

    agent.call("+31 20 123 4567", "dialog-2")
    page.evaluate("ContextDesk.widget.refresh()")
    widget.settle()
    expect(page.locator("#cd-customer")).to_have_attribute("data-known", "false")
    page.locator(".cd-customer-name").click()
    page.locator("#cd-customer-name").fill("Carla")
    page.locator("#cd-customer-phone").fill("06 5555 0000")
    page.locator("[data-cd-create]").click()
    expect(page.locator("[data-cd-taken] [data-cd-open-customer]")).to_have_count(3)
    both_widths(widget, locale, "identity-taken-prompt")
