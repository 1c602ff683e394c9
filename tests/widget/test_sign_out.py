"""The standalone page says who is signed in and signs them out (issue 11, item 8)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "locale, signed_in, sign_out",
    [("en", "Signed in as", "Sign out"), ("nl", "Aangemeld als", "Afmelden")],
)
def test_the_page_names_the_agent_and_signs_out(widget, app, locale, signed_in, sign_out):
    widget.open("agent2", locale=locale)
    page = widget.page
    who = page.locator("#cd-page-who")
    expect(who).to_be_visible()
    expect(who).to_contain_text(signed_in)
    expect(page.locator("#cd-page-agent")).not_to_be_empty()
    token = page.evaluate("JSON.parse(sessionStorage.getItem('context-desk.session')).token")
    widget.shot(f"{locale}-signed-in-as-1200")
    page.set_viewport_size({"width": 400, "height": 900})
    widget.shot(f"{locale}-signed-in-as-400")
    page.get_by_role("button", name=sign_out).click()
    expect(page.locator("#cd-signin")).to_be_visible()
    expect(who).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('context-desk.session')") is None
    ended = page.request.get(
        app.config["PUBLIC_URL"] + "/api/v1/workspace", headers={"Authorization": f"Bearer {token}"}
    )
    assert ended.status == 401
