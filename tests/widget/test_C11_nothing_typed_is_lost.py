"""C11 in Chromium, inside the mock Finesse desktop (cross-origin, as in Finesse): issue 11's
repros 1-3, the gadget reloaded mid-typing, and C7/C8's Close -> Create."""

import pytest
from playwright.sync_api import expect

from server.models import Activity, Customer, Request, database
from tests.harness.desktop import wait_until
from tests.widget.test_harness_flow import accepted, answered_call, gadget, shoot

pytestmark = pytest.mark.browser


def request_for(source_id):
    with database.connection_context():
        return Request.get_by_id(Activity.get(Activity.source_id == source_id).request_id)


def answer_without_a_click(desktop, number, caller):
    """A call answered outside the gadget (auto-answer, a desk phone): issue 11's repro 1."""
    return desktop.harness(
        f"(function () {{ var p = CDHarness.panels['{number}'];"
        f" var id = p.finesse.call('{caller}'); p.finesse.answer(id); return id; }})()"
    )


def test_C11_a_call_answered_while_typing_does_not_take_the_keystrokes(desktop):
    desktop.sign_in(1, "agent1")
    widget = gadget(desktop)
    chat = accepted(desktop, "chat", "lena@example.nl", subject="Refund")
    expect(widget.locator(".cd-customer-name-text")).to_have_text("lena@example.nl")
    description = widget.locator("#cd-request-description")
    description.click()
    description.press_sequentially("Wants a refund")

    dialog = answer_without_a_click(desktop, 1, "+31 6 1234 5678")
    desktop.wait_for_dialog(1, dialog, "posted")
    expect(widget.locator("#cd-open-list [data-cd-select]")).to_have_count(2)
    # The agent goes on typing: it stays on the chat customer's request, and says who came in.
    notice = widget.locator("[data-cd-arrived]")
    expect(notice).to_contain_text("A new interaction came in: +31 6 1234 5678")
    description.press_sequentially(" for order 1234")
    expect(widget.locator(".cd-customer-name-text")).to_have_text("lena@example.nl")
    expect(description).to_have_value("Wants a refund for order 1234")
    expect(description).to_be_focused()
    shoot(desktop, "C11-new-interaction-while-typing")

    # The agent chooses to switch: the text is saved on its own (the chat's) request.
    notice.get_by_role("button", name="Show").click()
    expect(widget.locator(".cd-customer-name-text")).to_have_text("+31 6 1234 5678")
    wait_until(lambda: request_for(chat).description == "Wants a refund for order 1234")
    assert request_for(dialog).description == ""


def test_C11_C3_load_keeps_the_agents_own_text_and_saves_it(desktop, agent2):
    desktop.sign_in(1, "agent1")
    widget = gadget(desktop)
    mail = accepted(desktop, "email", "ada@example.org", subject="Invoice")
    expect(widget.locator(".cd-customer-name-text")).to_have_text("ada@example.org")
    request = request_for(mail)
    wait_until(
        lambda: widget.evaluate(f"ContextDesk.live.watching('request:{request.id}')"),
        message="the socket to watch the request",
    )
    description = widget.locator("#cd-request-description")
    description.click()
    description.press_sequentially("Charged twice in May")
    # Agent 2 changes the title meanwhile; agent 1 sees it live and clicks Load.
    assert (
        agent2.patch(
            f"/api/v1/requests/{request.id}", json={"version": request.version, "title": "Theirs"}
        ).status_code
        == 200
    )
    warning = widget.locator("#cd-request [data-cd-live-warning]")
    expect(warning).to_be_visible()
    warning.get_by_role("button", name="Load").click()
    expect(widget.locator("#cd-request-title")).to_have_value("Theirs")
    expect(description).to_have_value("Charged twice in May")
    # Leaving the field before Load answered sent a save on the old version (409); the text
    # is saved on the new version all the same, and nothing is left unsaved.
    wait_until(lambda: request_for(mail).description == "Charged twice in May")
    assert request_for(mail).title == "Theirs"
    expect(description).to_have_attribute("data-cd-original", "Charged twice in May")


def test_C11_C8_one_invalid_field_does_not_block_the_other_and_close_asks(desktop):
    desktop.sign_in(1, "agent1")
    widget = gadget(desktop)
    call = answered_call(desktop, "+31 20 555 0199")
    expect(widget.locator(".cd-customer-name-text")).to_have_text("+31 20 555 0199")
    description = widget.locator("#cd-request-description")
    description.fill("x" * 2001)
    description.press("Tab")
    expect(widget.locator("#cd-request-description-error")).to_contain_text("at most 2000")
    title = widget.locator("#cd-request-title")
    title.fill("Printer jam")
    title.press("Tab")
    # The title is saved although the description is still over the limit (C11).
    wait_until(lambda: request_for(call).title == "Printer jam")
    assert request_for(call).description == ""
    expect(widget.locator("#cd-request-description-error")).to_contain_text("at most 2000")

    # Close asks; Save keeps the gadget open on the refused field; Discard closes.
    widget.get_by_role("button", name="Close +31 20 555 0199").click()
    dialog = widget.locator("#cd-dialog-unknown")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Discard").click()
    asking = widget.locator("#cd-dialog-unsaved-request")
    expect(asking).to_be_visible()
    shoot(desktop, "C11-close-asks-for-request-text")
    asking.get_by_role("button", name="Save").click()
    expect(asking).to_be_hidden()
    expect(description).to_be_focused()
    expect(widget.locator(".cd-customer-name-text")).to_have_text("+31 20 555 0199")
    description.fill("Paper tray")
    widget.get_by_role("button", name="Close +31 20 555 0199").click()
    widget.locator("#cd-dialog-unknown").get_by_role("button", name="Discard").click()
    # Leaving the field saved it on the way, so nothing is unsaved and Close closes.
    expect(widget.locator("#cd-open-list [data-cd-select]")).to_have_count(0)
    assert request_for(call).description == "Paper tray"


def test_C11_unsaved_text_survives_a_gadget_reload_and_is_offered_back(desktop):
    desktop.sign_in(1, "agent1")
    widget = gadget(desktop)
    mail = accepted(desktop, "email", "ada@example.org", subject="Invoice")
    expect(widget.locator(".cd-customer-name-text")).to_have_text("ada@example.org")
    widget.locator("#cd-request-description").click()
    widget.locator("#cd-request-description").press_sequentially("Half typed")
    desktop.reload_gadget(1)
    widget = gadget(desktop)
    description = widget.locator("#cd-request-description")
    expect(description).to_have_value("Half typed")
    notice = widget.locator("#cd-request [data-cd-draft-notice]")
    expect(notice).to_contain_text("Your unsaved text is back: Description.")
    shoot(desktop, "C11-draft-offered-back")
    assert request_for(mail).description == ""
    notice.get_by_role("button", name="Save").click()
    wait_until(lambda: request_for(mail).description == "Half typed")
    expect(notice).to_be_hidden()


def test_C7_C8_close_then_create_shows_the_form_and_an_empty_customer_is_refused(desktop):
    desktop.sign_in(1, "agent1")
    widget = gadget(desktop)
    dialog = desktop.call(1, caller=None)  # a hidden number
    desktop.act(1, "answer", dialog)
    desktop.wait_for_dialog(1, dialog, "posted")
    expect(widget.locator(".cd-customer-name-text")).to_have_text("Unknown customer")
    widget.get_by_role("button", name="Close Unknown customer").click()
    widget.locator("#cd-dialog-unknown").get_by_role("button", name="Create").click()
    form = widget.locator("#cd-customer-form")
    expect(form).to_be_visible()
    expect(widget.locator("#cd-customer-name")).to_be_focused()
    with database.connection_context():
        assert not Customer.select().where(Customer.known == True).exists()  # noqa: E712
    form.get_by_role("button", name="Create").click()
    expect(widget.locator("#cd-customer-name-error")).to_have_text(
        "Give a name, an email address or a phone number."
    )
    widget.locator("#cd-customer-name").fill("Anonymous Ann")
    form.get_by_role("button", name="Create").click()
    expect(widget.locator(".cd-customer-name-text")).to_have_text("Anonymous Ann")
