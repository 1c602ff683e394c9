"""Fixtures for the Care Desktop: local agents, tasks queued as an integration would queue
them, and the desk page in the shared Chromium driven as an agent would."""

import os

import pytest

from server.models import database
from server.services import accounts
from tests.live.conftest import live_socket  # noqa: F401  (a fixture the desk's tests share)

ARTIFACTS = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "test-artifacts"
)
PASSWORDS = {"care1": "pw-care-one", "care2": "pw-care-two"}


@pytest.fixture
def desk_agents(app):
    """Two local Care Desktop accounts, made as `flask agents add` makes them."""
    with database.connection_context():
        for name, password in PASSWORDS.items():
            accounts.add_agent(name, password, name.replace("care", "Care agent "))
    return PASSWORDS


@pytest.fixture
def queue_task(client, app):
    """Queue a task as another system would, with the integration key (D9)."""

    def queue_task(medium="chat", identity=None, **fields):
        identity = identity or {"email": "visitor@example.org"}
        response = client.post(
            "/api/v1/tasks",
            json={"medium": medium, "identity": identity, **fields},
            headers={"X-Integration-Key": app.config["INTEGRATION_KEY"]},
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return queue_task


@pytest.fixture
def desk_sign_in(client, desk_agents):
    """An API client signed in with a local account (conftest's Agent)."""
    from tests.conftest import Agent

    def sign_in(name="care1"):
        response = client.post(
            "/api/v1/session", json={"local": {"username": name, "password": desk_agents[name]}}
        )
        assert response.status_code == 201, response.get_json()
        return Agent(client, response.get_json()["token"], name)

    return sign_in


@pytest.fixture
def short_offers(app):
    """Offers that run out in 3 seconds instead of 15, so a browser test can wait for one."""
    before = app.config["OFFER_TIMEOUT"]
    app.config["OFFER_TIMEOUT"] = 3
    yield 3
    app.config["OFFER_TIMEOUT"] = before


class DeskPage:
    """The Care Desktop in one browser context, driven as an agent would."""

    def __init__(self, page, base):
        self.page = page
        self.base = base

    def open(self, locale="en"):
        self.page.goto(f"{self.base}/desk/?locale={locale}")
        return self

    def sign_in(self, username, password, english=True):
        """By the accessible names in English; by the fields' ids in another language."""
        if english:
            self.page.get_by_role("textbox", name="Username").fill(username)
            self.page.get_by_role("textbox", name="Password").fill(password)
            self.page.get_by_role("button", name="Sign in").click()
        else:
            self.page.fill("#desk-username", username)
            self.page.fill("#desk-password", password)
            self.page.click("#desk-signin button[type=submit]")
        self.page.wait_for_selector("#desk-lists:not([aria-busy])")
        return self

    def shot(self, name):
        os.makedirs(ARTIFACTS, exist_ok=True)
        self.page.screenshot(path=os.path.join(ARTIFACTS, name + ".png"), full_page=True)

    def scroll_width(self):
        return self.page.evaluate("document.documentElement.scrollWidth")


@pytest.fixture
def new_page(browser):
    """A page in a browser context of its own (its own sessionStorage: one person each)."""
    made = []

    def new_page(width=1280, height=900, locale="en-GB"):
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        # Anything the Content-Security-Policy blocked (server/headers.py) is an error too.
        page.on(
            "console",
            lambda message, page=page: (
                "Content Security Policy" in message.text.replace("-", " ")
                and page.errors.append(message.text)
            ),
        )
        made.append((context, page))
        return page

    yield new_page
    errors = [error for _context, page in made for error in page.errors]
    for context, _page in made:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def desk(new_page, app):
    def open_desk(**options):
        return DeskPage(new_page(**options), app.config["PUBLIC_URL"])

    return open_desk
