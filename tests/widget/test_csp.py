"""Issue 12 point 7: the widget works under its strict Content-Security-Policy; the page
fixture fails any test during which the policy blocked something (tests/widget/conftest.py)."""

import pytest


@pytest.mark.browser
def test_the_widget_page_runs_under_its_csp_and_the_language_menu_still_submits(widget, agent):
    agent.call("+31201234567", "d-1")
    widget.open()
    assert widget.page.locator(".cd-widget").count() > 0
    widget.page.select_option("#cd-page-locale", "nl")
    widget.page.wait_for_url("**locale=nl**")
    assert widget.page.locator("html").get_attribute("lang") == "nl"
    # The live collision styles came from an inline <style>: now from widget.css.
    ratio = widget.page.evaluate(
        "(() => { const box = document.querySelector('.cd-widget');"
        " const p = document.createElement('p'); p.className = 'cd-live-offline';"
        " box.appendChild(p);"
        " return parseFloat(getComputedStyle(p).fontSize)"
        " / parseFloat(getComputedStyle(box).fontSize); })()"
    )
    assert ratio == pytest.approx(0.85, abs=0.02)
