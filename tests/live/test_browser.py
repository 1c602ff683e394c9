"""C3 in Chromium, inside the mock Finesse harness: two agents on the same customer, each in
the gadget of their own desktop panel. Agent 2 edits the request's title; agent 1 sees the
warning within a second and loads the change, also while typing in that very field."""

import time

import pytest
from playwright.sync_api import expect

from server.models import Request, database
from tests.harness.desktop import wait_until

pytestmark = pytest.mark.browser

CALLER = "+31 20 555 0301"


def gadget(desktop, number):
    """The widget inside the gadget of a desktop panel."""
    return desktop.frame(number)


def watching(frame, key):
    return frame.evaluate(
        f"!!(window.ContextDesk && ContextDesk.live && ContextDesk.live.watching({key!r}))"
    )


@pytest.fixture
def same_customer(desktop):
    return on_the_same_customer(desktop)


def on_the_same_customer(desktop, locale="en_US"):
    """Agents 1 and 2 both answered a call of the same caller: same customer, same request."""
    for number, agent in ((1, "agent1"), (2, "agent2")):
        desktop.sign_in(number, agent, locale=locale if number == 1 else "en_US")
        dialog = desktop.call(number, caller=CALLER)
        desktop.act(number, "answer", dialog)
        desktop.wait_for_dialog(number, dialog, "posted")
    one, two = gadget(desktop, 1), gadget(desktop, 2)
    # Agent 1 reloads its Open list once: the second call bumped the request's version.
    one.evaluate("ContextDesk.widget.refresh()")
    for frame in (one, two):
        expect(frame.locator("#cd-request-title")).to_be_visible()
    key = one.locator("#cd-request").get_attribute("data-cd-record")
    assert key == two.locator("#cd-request").get_attribute("data-cd-record")
    for frame in (one, two):
        wait_until(lambda frame=frame: watching(frame, key), message="the socket to watch")
    return one, two, key


def save_title(frame, title):
    field = frame.locator("#cd-request-title")
    field.fill(title)
    field.press("Tab")  # the request form saves on change
    expect(frame.locator("#cd-request-status")).to_have_text("Saved")


def save_title_elsewhere(agent, key, title):
    """Agent 2 saves from their own machine. Typing in panel 2 would take the focus from
    panel 1's field (one page here, two browsers in real life), and leaving a field saves it."""
    path = f"/api/v1/requests/{key.split(':')[1]}"
    version = agent.get(path).get_json()["version"]
    assert agent.patch(path, json={"version": version, "title": title}).status_code == 200


def stored_title(key):
    with database.connection_context():
        return Request.get_by_id(int(key.split(":")[1])).title


def test_C3_the_other_agents_change_shows_live_and_Load_brings_it(desktop, same_customer):
    one, two, key = same_customer
    save_title(two, "Printer on fire")
    saved_at = time.monotonic()
    warning = one.locator("#cd-request [data-cd-live-warning]")
    expect(warning).to_contain_text("agent2 changed this request.", timeout=1000)
    assert time.monotonic() - saved_at < 1.0
    expect(warning).to_contain_text("Changed: Title")
    desktop.screenshot("C3-live-warning")

    warning.get_by_role("button", name="Load").click()
    expect(one.locator("#cd-request-title")).to_have_value("Printer on fire")
    expect(warning).to_have_count(0)
    assert one.locator("#cd-request").get_attribute("data-cd-version") == two.locator(
        "#cd-request"
    ).get_attribute("data-cd-version")
    # Agent 1 goes on from the loaded version: its next save is accepted.
    save_title(one, "Printer on fire, tray 2")
    assert stored_title(key) == "Printer on fire, tray 2"


def test_C3_typing_while_the_other_agent_saves_loses_nothing(desktop, same_customer, agent2):
    one, two, key = same_customer
    mine = one.locator("#cd-request-title")
    mine.click()
    mine.type("Paper jam in tray 2")  # typing, not saved yet
    # Presence: agent 2 sees that agent 1 is editing the title, before anything collides.
    expect(two.locator("[data-cd-presence]")).to_contain_text("agent1 · editing Title")

    save_title_elsewhere(agent2, key, "Printer on fire")
    warning = one.locator("#cd-request [data-cd-live-warning]")
    expect(warning).to_contain_text("agent2 changed this request.", timeout=1000)
    expect(mine).to_have_value("Paper jam in tray 2")  # the warning takes nothing away

    warning.get_by_role("button", name="Load").click()
    difference = one.locator("#cd-request [data-cd-live-diff]")
    expect(difference).to_contain_text("Title")
    expect(difference.locator("[data-cd-live-mine]")).to_have_text("Paper jam in tray 2")
    expect(difference.locator("[data-cd-live-theirs]")).to_have_text("Printer on fire")
    expect(mine).to_have_value("Paper jam in tray 2")
    desktop.screenshot("C3-live-difference")

    difference.get_by_role("button", name="Keep mine").click()
    expect(difference).to_have_count(0)
    expect(one.locator("#cd-request-status")).to_have_text("Saved")
    wait_until(lambda: stored_title(key) == "Paper jam in tray 2", message="agent 1's title")
    # And agent 2, who has the request on screen, is warned of agent 1's change in turn.
    expect(two.locator("#cd-request [data-cd-live-warning]")).to_contain_text(
        "agent1 changed this request."
    )


def test_C3_take_theirs_replaces_the_agents_own_typing(desktop, same_customer, agent2):
    one, two, key = same_customer
    mine = one.locator("#cd-request-title")
    mine.click()
    mine.type("Paper jam")
    save_title_elsewhere(agent2, key, "Printer on fire")
    one.locator("#cd-request [data-cd-live-warning]").get_by_role("button", name="Load").click()
    one.locator("[data-cd-live-diff]").get_by_role("button", name="Take theirs").click()
    expect(mine).to_have_value("Printer on fire")
    expect(one.locator("[data-cd-live-diff]")).to_have_count(0)
    assert mine.get_attribute("data-cd-original") == "Printer on fire"
    assert stored_title(key) == "Printer on fire"


def test_C3_C10_the_warning_speaks_the_agents_language(desktop):
    one, two, _key = on_the_same_customer(desktop, locale="nl_NL")
    save_title(two, "Printer in brand")
    warning = one.locator("#cd-request [data-cd-live-warning]")
    expect(warning).to_contain_text("agent2 heeft dit verzoek gewijzigd.", timeout=1000)
    expect(warning).to_contain_text("Gewijzigd: Titel")
    warning.get_by_role("button", name="Laden").click()
    expect(one.locator("#cd-request-title")).to_have_value("Printer in brand")


def test_C3_saving_a_stale_record_shows_the_warning_not_an_error(desktop, same_customer):
    one, two, key = same_customer
    one.evaluate("ContextDesk.live.stop()")  # no live event reaches agent 1 from now on
    save_title(two, "Printer on fire")
    mine = one.locator("#cd-request-title")
    mine.fill("Paper jam")
    mine.press("Tab")  # the save is refused: 409, the request changed meanwhile
    warning = one.locator("#cd-request [data-cd-live-warning]")
    expect(warning).to_contain_text("Another agent changed this request since you loaded it.")
    expect(one.locator("#cd-banner")).to_be_hidden()  # not an error
    expect(mine).to_have_value("Paper jam")
    warning.get_by_role("button", name="Load").click()
    expect(one.locator("[data-cd-live-theirs]")).to_have_text("Printer on fire")
    assert stored_title(key) == "Printer on fire"


def test_C3_a_change_missed_while_disconnected_shows_after_reconnecting(
    app, desktop, same_customer, agent2
):
    one, _two, key = same_customer
    request_id = key.split(":")[1]
    current = agent2.get(f"/api/v1/requests/{request_id}").get_json()
    app.extensions["live"].cut_off("agent1")  # a network drop: agent 1's socket is gone
    # Saved while agent 1 is away (its browser waits at least 0.375 s before reconnecting).
    assert (
        agent2.patch(
            f"/api/v1/requests/{request_id}",
            json={"version": current["version"], "title": "Printer on fire"},
        ).status_code
        == 200
    )
    warning = one.locator("#cd-request [data-cd-live-warning]")
    # The event itself was missed: the warning comes from re-checking after the reconnect.
    expect(warning).to_contain_text("Another agent changed this request since you loaded it.")
    expect(warning).to_contain_text("Changed: Title")
    wait_until(lambda: watching(one, key), message="the socket to watch again")
