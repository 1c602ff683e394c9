"""The Finesse bridge in the mock Finesse desktop (F2, F4): what the agent answers, accepts
and ends reaches the service, once."""

import pytest

from server.models import Activity, database
from tests.harness.desktop import wait_until

pytestmark = pytest.mark.browser


def open_entry(agent, source_id):
    """The agent's Open-list entry whose activity came from this Finesse dialog."""
    for entry in agent.get("/api/v1/workspace").get_json()["open"]:
        if entry["activity"] and entry["activity"]["source_id"] == source_id:
            return entry
    return None


def activities_from(source_id):
    with database.connection_context():
        return list(Activity.select().where(Activity.source_id == source_id))


def test_F2_C1_hidden_caller_answered_is_an_unknown_customer_in_open(desktop, agent):
    desktop.sign_in(1, "agent1")
    dialog = desktop.call(1, caller=None)
    desktop.wait_for_dialog(1, dialog, "new")
    assert open_entry(agent, dialog) is None  # ringing is not answered

    desktop.act(1, "answer", dialog)
    desktop.wait_for_dialog(1, dialog, "posted")
    entry = open_entry(agent, dialog)
    assert entry["customer"] is None
    assert entry["identity"] == {}
    assert entry["activity"]["medium"] == "call"
    assert entry["activity"]["properties"]["DNIS"] == "1001"

    desktop.act(1, "drop", dialog)
    desktop.wait_for_dialog(1, dialog, "ended")
    [activity] = activities_from(dialog)
    assert activity.ended_at is not None
    desktop.screenshot("hidden-call-ended")


def test_F2_call_from_a_number_is_found_by_that_number(desktop, agent):
    desktop.sign_in(1, "agent1")
    dialog = desktop.call(1, caller="+31 20 555 0199")
    desktop.act(1, "answer", dialog)
    desktop.wait_for_dialog(1, dialog, "posted")
    assert open_entry(agent, dialog)["identity"] == {"phone": "+31 20 555 0199"}


def test_F2_a_call_dropped_while_ringing_is_not_recorded(desktop, agent):
    desktop.sign_in(1, "agent1")
    dialog = desktop.call(1, caller="+31 20 555 0100")
    desktop.wait_for_dialog(1, dialog, "new")
    desktop.act(1, "drop", dialog)
    desktop.wait_for_dialog(1, dialog, "ended")
    assert activities_from(dialog) == []


def test_F2_C1b_chat_and_email_attach_to_the_customers_open_request(desktop, agent):
    desktop.sign_in(1, "agent1")
    call = desktop.call(1, caller="+31 20 555 0142")
    desktop.act(1, "answer", call)
    desktop.wait_for_dialog(1, call, "posted")
    entry = open_entry(agent, call)
    customer = agent.post(
        "/api/v1/customers",
        json={
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "phone": "+31 20 555 0142",
            "activity_id": entry["activity"]["id"],
        },
    ).get_json()
    request_id = entry["request"]["id"]

    chat = desktop.task(1, "chat", "ada@example.com")
    assert "_" in chat and chat.startswith("5000_")
    desktop.wait_for_dialog(1, chat, "new")  # offered, not yet accepted
    desktop.act(1, "accept", chat)
    desktop.wait_for_dialog(1, chat, "posted")
    email = desktop.task(1, "email", "ADA@example.com", subject="Invoice 42")
    desktop.act(1, "accept", email)
    desktop.wait_for_dialog(1, email, "posted")

    [chat_activity] = activities_from(chat)
    [email_activity] = activities_from(email)
    assert chat_activity.medium == "chat" and email_activity.medium == "email"
    assert str(chat_activity.request_id) == request_id == str(email_activity.request_id)
    assert str(chat_activity.request.customer_id) == customer["id"]
    assert email_activity.subject == "Invoice 42"

    desktop.act(1, "close", chat)
    desktop.act(1, "close", email)
    desktop.wait_for_dialog(1, chat, "ended")
    desktop.wait_for_dialog(1, email, "ended")
    assert activities_from(chat)[0].ended_at is not None
    assert desktop.bridge(1)["mrds"] == {"5000": None, "5001": None}
    desktop.screenshot("chat-and-email")


def test_F2_refresh_mid_call_processes_the_call_again_without_a_duplicate(desktop, agent):
    desktop.sign_in(1, "agent1")
    dialog = desktop.call(1, caller="+31 20 555 0177")
    desktop.act(1, "answer", dialog)
    desktop.wait_for_dialog(1, dialog, "posted")
    chat = desktop.task(1, "chat", "visitor-17")
    desktop.act(1, "accept", chat)
    desktop.wait_for_dialog(1, chat, "posted")

    desktop.reload_gadget(1)
    wait_until(
        lambda: desktop.harness("CDHarness.panels['1'].loads") == 2,
        message="the gadget to load again",
    )
    # The new page finds both dialogs already there and records them again: the same ids.
    desktop.wait_for_dialog(1, dialog, "posted")
    desktop.wait_for_dialog(1, chat, "posted")
    assert len(activities_from(dialog)) == 1
    assert len(activities_from(chat)) == 1
    assert any("recorded call " + dialog + " (200)" in line for line in desktop.bridge(1)["log"])

    desktop.act(1, "drop", dialog)
    desktop.wait_for_dialog(1, dialog, "ended")
    assert activities_from(dialog)[0].ended_at is not None


def test_F2_adjust_height_after_render_and_again_when_the_tab_shows(desktop):
    desktop.sign_in(1, "agent1")
    heights = wait_until(
        lambda: desktop.harness("CDHarness.panels['1'].heights"), message="adjustHeight"
    )
    assert heights[-1]["applied"] and heights[-1]["height"] > 0
    # The frame is as tall as the gadget's content said, with no scroll bar inside.
    wait_until(
        lambda: desktop.page.eval_on_selector(
            "iframe#gadget-1",
            "f => f.clientHeight >= f.contentDocument.body.offsetHeight && "
            "f.clientHeight === CDHarness.panels['1'].heights.slice(-1)[0].height",
        ),
        message="the frame to take the gadget's height",
    )

    desktop.panel(1).get_by_role("tab", name="Home").click()
    # The tab stays hidden only with the screen-pop's activateMyTab turned off (F-pref).
    desktop.harness("CDHarness.panels['1'].userPrefs = {activateTab: 'false'}")
    dialog = desktop.call(1, caller="+31 20 555 0111")
    desktop.act(1, "answer", dialog)
    desktop.wait_for_dialog(1, dialog, "posted")
    hidden = desktop.harness("CDHarness.panels['1'].heights")
    assert not hidden[-1]["applied"]  # Finesse ignores it while the tab is hidden

    active_tabs = desktop.harness("CDHarness.panels['1'].activeTabs")
    desktop.panel(1).get_by_role("tab", name="Manage Customers").click()
    wait_until(
        lambda: desktop.harness("CDHarness.panels['1'].activeTabs") > active_tabs,
        message="ACTIVE_TAB",
    )
    after = wait_until(
        lambda: desktop.harness("CDHarness.panels['1'].heights")[len(hidden) :],
        message="adjustHeight on ACTIVE_TAB",
    )
    assert after[-1]["applied"]


def test_F4_two_agents_in_two_panels_at_once(desktop, agent, agent2):
    desktop.sign_in(1, "agent1")
    desktop.sign_in(2, "agent2")
    first = desktop.call(1, caller="+31 20 555 0001")
    second = desktop.call(2, caller="+31 20 555 0002")
    desktop.act(2, "answer", second)
    desktop.act(1, "answer", first)
    desktop.wait_for_dialog(1, first, "posted")
    desktop.wait_for_dialog(2, second, "posted")
    assert first not in desktop.bridge(2)["dialogs"]
    assert open_entry(agent, first) and not open_entry(agent, second)
    assert open_entry(agent2, second) and not open_entry(agent2, first)
    assert activities_from(second)[0].agent_id == "agent2"
    desktop.screenshot("two-agents")


def test_F3_F4_sso_sign_in_and_a_refused_password(desktop):
    desktop.sign_in(1, "agent1", auth="sso")
    assert desktop.bridge(1)["signedIn"]

    panel = desktop.panel(2)
    panel.locator("[name=agent]").select_option("agent2")
    panel.locator("[name=password]").fill("wrong")
    panel.get_by_role("button", name="Sign in").click()
    alert = panel.get_by_role("alert")
    alert.wait_for()
    assert "HTTP 401" in alert.inner_text()
    assert desktop.frame(2) is None


def test_C10_the_gadget_follows_the_finesse_locale(desktop):
    desktop.sign_in(1, "agent1", locale="nl_NL")
    assert desktop.bridge(1)["locale"] == "nl"
    wait_until(
        lambda: desktop.panel(1).locator("[data-role=gadget-title]").inner_text() == "Klantcontext",
        message="the Dutch title",
    )
    desktop.sign_in(2, "agent2", locale="fr_FR")
    assert desktop.bridge(2)["locale"] == "fr"


def test_F2_widget_embedded_cross_origin_and_refreshed_after_each_interaction(desktop):
    desktop.sign_in(1, "agent1", locale="fr_FR")
    wait_until(lambda: desktop.bridge(1)["widget"] == "started", message="the widget")
    gadget = desktop.frame(1)
    assert gadget.locator("[data-context-desk]").count() == 1
    assert gadget.evaluate("document.documentElement.lang") == "fr"
    assert gadget.locator("[data-context-desk]").get_attribute("lang") == "fr"

    dialog = desktop.call(1, caller="+31 20 555 0188")
    desktop.act(1, "answer", dialog)
    desktop.wait_for_dialog(1, dialog, "posted")
    # The bridge asks the widget to refresh: the caller is in Open without a reload.
    gadget.locator("#cd-open-list", has_text="+31 20 555 0188").wait_for()

    desktop.reload_gadget(1)
    wait_until(
        lambda: desktop.harness("CDHarness.panels['1'].loads") == 2,
        message="the gadget to load again",
    )
    wait_until(
        lambda: (desktop.bridge(1) or {}).get("widget") == "started", message="the widget again"
    )
    gadget = desktop.frame(1)
    assert gadget.locator("[data-context-desk]").count() == 1
    gadget.locator("#cd-open-list", has_text="+31 20 555 0188").wait_for()
    scripts = gadget.evaluate("[...document.scripts].map(s => s.src).filter(Boolean)")
    assert len(scripts) == len(set(scripts))  # no script loaded twice
    desktop.screenshot("widget-in-gadget-fr")


def test_F2_mrd_list_on_the_gadget_url_decides_which_chats_and_emails_count(desktop):
    desktop.open("/harness/?gadget=" + "/gadget.xml%3Fmrd%3D5000:email")
    desktop.sign_in(1, "agent1")
    assert desktop.bridge(1)["mrds"] == {"5000": "email"}
    forced = desktop.task(1, "chat", "grace@example.com")  # MRD 5000, said to be email
    desktop.act(1, "accept", forced)
    desktop.wait_for_dialog(1, forced, "posted")
    assert activities_from(forced)[0].medium == "email"
    ignored = desktop.task(1, "email", "grace@example.com")  # MRD 5001: not on the list
    desktop.act(1, "accept", ignored)
    dialog = desktop.call(1, caller="+31 20 555 0190")  # calls always count
    desktop.act(1, "answer", dialog)
    desktop.wait_for_dialog(1, dialog, "posted")
    assert ignored not in desktop.bridge(1)["dialogs"]
    assert activities_from(ignored) == []
