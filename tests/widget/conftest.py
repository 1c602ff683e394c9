"""Fixtures for the widget: a page in the shared Chromium (tests/conftest.py) and the standalone
widget page driven as an agent would."""

import os

import pytest
from playwright.sync_api import expect

ARTIFACTS = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "test-artifacts"
)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Anything the Content-Security-Policy blocked (server/headers.py) is an error too, and
    # so is a policy Chromium refused ("The Content-Security-Policy directive …").
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text.replace("-", " ")
            and errors.append(message.text)
        ),
    )
    page.errors = errors
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


class WidgetPage:
    """The standalone widget page, driven as an agent would: clicks, typing, keys."""

    def __init__(self, page, base):
        self.page = page
        self.base = base

    def open(self, agent_id="agent1", locale="en"):
        self.page.goto(f"{self.base}/widget/?locale={locale}")
        self.page.fill("#cd-signin-user", agent_id)
        self.page.fill("#cd-signin-password", "password" + agent_id[-1])
        self.page.click("#cd-signin button[type=submit]")
        self.page.wait_for_selector("#cd-open-list:not([aria-busy])")
        self.settle()
        return self

    def refresh(self):
        """What the bridge does after posting an interaction."""
        self.page.evaluate("ContextDesk.widget.refresh()")
        self.settle()

    def settle(self):
        self.page.wait_for_load_state("networkidle")
        self.page.wait_for_function("() => !document.querySelector('.htmx-request')")

    def tab(self, name):
        self.page.get_by_role("tab", name=name).click()

    def shot(self, name):
        os.makedirs(ARTIFACTS, exist_ok=True)
        self.page.screenshot(path=os.path.join(ARTIFACTS, name + ".png"), full_page=True)


@pytest.fixture
def widget(page, app):
    return WidgetPage(page, app.config["PUBLIC_URL"])


@pytest.fixture
def unknown_caller(agent, widget):
    """A call from an unknown number was answered; the widget is open on it."""
    agent.call("+31 20 123 4567", "dialog-1")
    widget.open()
    expect(widget.page.locator(".cd-customer-name-text")).to_have_text("+31 20 123 4567")
    return widget


@pytest.fixture
def known_customer(agent, widget):
    """Ada is a customer and wrote an email; the widget is open on it."""
    agent.post("/api/v1/customers", json={"name": "Ada Lovelace", "email": "ada@example.org"})
    agent.email("ada@example.org", "mail-1", subject="Invoice question")
    widget.open()
    expect(widget.page.locator(".cd-customer-name-text")).to_have_text("Ada Lovelace")
    return widget


# The issue-3 flows run inside the mock Finesse desktop: its fixtures, shared from tests/harness.
from tests.harness.conftest import desktop, harness_url  # noqa: E402,F401
