"""Playwright in Debian's Chromium against the mock Finesse harness on the live server.

The harness is opened as `localhost` while the service's PUBLIC_URL says `127.0.0.1`: the
gadget's document then has another origin than the service, as inside Finesse, so every call
the bridge and the widget make is cross-origin (CORS).
"""

import pytest

# wait_until too: other areas' browser tests import it from here.
from tests.harness.desktop import Desktop, wait_until  # noqa: F401


@pytest.fixture
def harness_url(app):
    """The harness at another loopback name than PUBLIC_URL (127.0.0.1): cross-origin."""
    return f"http://localhost:{app.live_server.server.server_port}"


@pytest.fixture
def desktop(browser, harness_url):
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    desktop = Desktop(page, harness_url).open()
    yield desktop
    context.close()
    assert not desktop.errors, desktop.errors
