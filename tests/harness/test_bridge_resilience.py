"""The bridge keeps recording when the widget cannot be shown, and keeps its session (F2, F3)."""

import pytest

from tests.harness.desktop import wait_until

pytestmark = pytest.mark.browser


def test_F2_C10_widget_failure_is_a_translated_error_and_calls_are_still_recorded(desktop):
    asked = []

    def unavailable(route):
        asked.append(route.request.url)
        route.fulfill(
            status=503,
            body="<html><body>Service Unavailable</body></html>",
            headers={"Content-Type": "text/html", "Access-Control-Allow-Origin": "*"},
        )

    desktop.page.route("**/widget/**", unavailable)
    desktop.sign_in(1, "agent1", locale="nl_NL")
    gadget = desktop.frame(1)
    status = gadget.locator(".cd-gadget__status")
    status.get_by_role("button", name="Opnieuw proberen").wait_for()
    assert status.inner_text().startswith("De klantcontext kon niet worden getoond.")
    assert "Service Unavailable" not in gadget.locator("body").inner_text()
    assert desktop.bridge(1)["widget"] == "failed"

    dialog = desktop.call(1, caller="+31 20 555 0160")
    desktop.act(1, "answer", dialog)
    desktop.wait_for_dialog(1, dialog, "posted")
    current = gadget.locator(".cd-gadget__current")
    assert current.inner_text() == "Gesprek: +31 20 555 0160 · vastgelegd"

    status.get_by_role("button", name="Opnieuw proberen").click()
    # (Playwright runs the route handler only while the test calls into it: poll the bridge.)
    wait_until(
        lambda: sum("widget failed" in line for line in desktop.bridge(1)["log"]) == 2,
        message="the widget to be asked again",
    )
    assert len(asked) == 2
    status.get_by_role("button", name="Opnieuw proberen").wait_for()
    desktop.screenshot("widget-unavailable-nl")


def test_F3_session_renewed_before_it_expires(app, desktop, monkeypatch):
    monkeypatch.setattr(app.extensions["sessions"], "ttl", 4)
    desktop.sign_in(1, "agent1")

    def sign_ins():
        return sum("signed in as agent1" in line for line in desktop.bridge(1)["log"])

    wait_until(lambda: sign_ins() >= 2, timeout=8, message="the session to be renewed")
    # 4 s after the first sign-in the first token has expired; the renewed one still works.
    wait_until(lambda: sign_ins() >= 3, timeout=8, message="a second renewal")
    dialog = desktop.call(1, caller="+31 20 555 0161")
    desktop.act(1, "answer", dialog)
    desktop.wait_for_dialog(1, dialog, "posted")
    assert not any("401" in line for line in desktop.bridge(1)["log"])
