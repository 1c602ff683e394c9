"""Issue 3 end to end: the gadget in the mock Finesse desktop, the agent playing both sides.

The harness is opened on another origin than the service (see tests/harness), so everything the
widget does here is cross-origin with the bearer token, as inside Finesse.
"""

import os

import pytest
from playwright.sync_api import expect

from server.models import Activity, database
from tests.harness.desktop import wait_until
from tests.widget.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def gadget(desktop, number=1):
    """The widget inside panel `number`'s gadget frame, once it has rendered."""
    frame = wait_until(lambda: desktop.frame(number), message="the gadget frame")
    frame.wait_for_selector("[data-context-desk] #cd-open-list:not([aria-busy])")
    return frame


def answered_call(desktop, caller, number=1):
    dialog = desktop.call(number, caller=caller)
    desktop.act(number, "answer", dialog)
    desktop.wait_for_dialog(number, dialog, "posted")
    return dialog


def accepted(desktop, medium, address, subject="", number=1):
    dialog = desktop.task(number, medium, address, subject=subject)
    desktop.act(number, "accept", dialog)
    desktop.wait_for_dialog(number, dialog, "posted")
    return dialog


def request_of(source_id):
    with database.connection_context():
        return Activity.get(Activity.source_id == source_id).request_id


def shoot(desktop, name, number=1):
    """The gadget as the agent sees it in the Finesse tab."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    desktop.page.locator(f"iframe#gadget-{number}").screenshot(
        path=os.path.join(ARTIFACTS, f"harness-{name}.png")
    )


def test_issue3_call_create_tags_comment_close_reopen_and_C1b(desktop, agent):
    desktop.sign_in(1, "agent1")
    widget = gadget(desktop)
    call = answered_call(desktop, "+31 20 555 0123")

    # C1: the answered call's number is in Open, and its context shows.
    expect(widget.locator("#cd-open-list .cd-entry-name")).to_have_text("+31 20 555 0123")
    expect(widget.locator(".cd-customer-name-text")).to_have_text("+31 20 555 0123")

    # C7: the form is prefilled from the identity; Create makes the customer.
    widget.locator(".cd-customer-name").click()
    expect(widget.get_by_label("Phone", exact=True)).to_have_value("+31 20 555 0123")
    widget.get_by_label("Name", exact=True).fill("Grace Hopper")
    widget.get_by_label("Email", exact=True).fill("grace@example.org")
    widget.get_by_role("button", name="Create").click()
    expect(widget.locator(".cd-customer-name-text")).to_have_text("Grace Hopper")

    # C4: the request title in place.
    widget.locator("#cd-request-title").fill("Printer on fire")
    widget.locator("#cd-request-title").press("Tab")
    expect(widget.locator("#cd-request-status")).to_have_text("Saved")

    # C6: tags with Enter and Tab; a duplicate and a 51-character tag are refused.
    tags = widget.locator("#cd-tag-input")
    tags.fill("printer")
    tags.press("Enter")
    widget.locator("#cd-tag-input").fill("urgent")
    widget.locator("#cd-tag-input").press("Tab")
    expect(widget.locator("#cd-tag-list .cd-tag-name")).to_have_text(["printer", "urgent"])
    widget.locator("#cd-tag-input").fill("Printer ")
    widget.locator("#cd-tag-input").press("Enter")
    expect(widget.locator("#cd-tag-error")).to_have_text(
        "“Printer” is already a tag of this interaction."
    )
    widget.locator("#cd-tag-input").fill("x" * 51)
    widget.locator("#cd-tag-input").press("Tab")
    expect(widget.locator("#cd-tag-error")).to_have_text("Tag: at most 50 characters; this has 51.")
    shoot(desktop, "tags-refused")

    # A comment.
    widget.get_by_label("Add a comment").fill("Sent a technician")
    widget.get_by_role("button", name="Add comment").click()
    expect(widget.locator("#cd-comment-list .cd-comment-body")).to_have_text(["Sent a technician"])

    # C1b: a chat and an email from the same customer attach to the open request.
    chat = accepted(desktop, "chat", "grace@example.org")
    email = accepted(desktop, "email", "grace@example.org", subject="Photos of the printer")
    assert request_of(chat) == request_of(call) == request_of(email)
    expect(widget.locator("#cd-request-title")).to_have_value("Printer on fire")
    expect(widget.locator("#cd-journey-list .cd-journey-item.cd-current")).to_contain_text("Email")
    expect(widget.locator("#cd-open-list .cd-entry-sub")).to_contain_text("Printer on fire")

    # C8: unsaved edits → Save or Discard; Save keeps them and closes.
    widget.locator(".cd-customer-name").click()
    widget.get_by_role("button", name="Edit").click()
    widget.get_by_label("Name", exact=True).fill("Grace B. Hopper")
    widget.get_by_role("button", name="Close Grace Hopper").click()
    expect(widget.get_by_role("dialog", name="Unsaved changes")).to_be_visible()
    shoot(desktop, "save-discard")
    widget.get_by_role("dialog", name="Unsaved changes").get_by_role("button", name="Save").click()
    expect(widget.locator("#cd-open-list")).to_contain_text("No customers open")

    # C9: reopen from Recent, then from Search, and go on updating.
    widget.get_by_role("tab", name="Recent").click()
    widget.get_by_role("button", name="Reopen Grace B. Hopper").click()
    expect(widget.locator(".cd-customer-name-text")).to_have_text("Grace B. Hopper")
    widget.get_by_role("button", name="Close Grace B. Hopper").click()
    expect(widget.locator("#cd-open-list")).to_contain_text("No customers open")
    widget.get_by_role("tab", name="Search").click()
    widget.get_by_label("Find a customer by name, email or phone").fill("020 555 0123")
    widget.get_by_role("button", name="Search", exact=True).click()
    widget.locator("#cd-search-results").get_by_role(
        "button", name="Reopen Grace B. Hopper"
    ).click()
    expect(widget.locator(".cd-customer-name-text")).to_have_text("Grace B. Hopper")
    widget.locator("#cd-tag-input").fill("follow-up")
    widget.locator("#cd-tag-input").press("Enter")
    expect(widget.locator("#cd-tag-list .cd-tag-name")).to_contain_text(["follow-up"])
    shoot(desktop, "reopened")


def test_issue3_unknown_caller_closed_with_create_or_discard(desktop, agent):
    desktop.sign_in(1, "agent1")
    widget = gadget(desktop)
    answered_call(desktop, None)  # a hidden number: an unknown customer, not an error
    expect(widget.locator(".cd-customer-name-text")).to_have_text("Unknown customer")
    widget.get_by_role("button", name="Close Unknown customer").click()
    prompt = widget.get_by_role("dialog", name="No customer created")
    expect(prompt).to_be_visible()
    shoot(desktop, "create-discard")
    prompt.get_by_role("button", name="Discard").click()
    expect(widget.locator("#cd-open-list")).to_contain_text("No customers open")
    expect(widget.locator("#cd-count-recent")).to_have_text("1")

    answered_call(desktop, "+31 20 555 0999")
    expect(widget.locator(".cd-customer-name-text")).to_have_text("+31 20 555 0999")
    widget.get_by_role("button", name="Close +31 20 555 0999").click()
    widget.get_by_role("dialog", name="No customer created").get_by_role(
        "button", name="Create"
    ).click()
    # Create opens the prefilled form (C7); the agent creates, then closes (issue 11).
    form = widget.locator("#cd-customer-form")
    expect(form).to_be_visible()
    form.get_by_role("button", name="Create").click()
    expect(widget.locator("#cd-customer")).to_have_attribute("data-known", "true")
    widget.get_by_role("button", name="Close +31 20 555 0999").click()
    expect(widget.locator("#cd-open-list")).to_contain_text("No customers open")
    found = agent.get("/api/v1/customers?q=0205550999").get_json()["items"]
    assert [customer["known"] for customer in found] == [True]


def test_issue3_refresh_mid_call_keeps_the_call_in_open(desktop):
    desktop.sign_in(1, "agent1")
    gadget(desktop)
    answered_call(desktop, "+31 20 555 0456")
    desktop.reload_gadget(1)
    wait_until(
        lambda: desktop.harness("CDHarness.panels['1'].loads") == 2,
        message="the gadget to load again",
    )
    widget = gadget(desktop)
    expect(widget.locator("#cd-open-list .cd-entry")).to_have_count(1)
    expect(widget.locator(".cd-customer-name-text")).to_have_text("+31 20 555 0456")


@pytest.mark.parametrize(
    "finesse_locale, words",
    [
        (
            "nl_NL",
            {
                "tab": "Zoeken",
                "title": "Titel",
                "close": "Sluiten",
                "prompt": "Geen klant aangemaakt",
                "long": "Label: hoogstens 50 tekens; dit zijn er 51.",
            },
        ),
        (
            "fr_FR",
            {
                "tab": "Rechercher",
                "title": "Titre",
                "close": "Fermer",
                "prompt": "Aucun client créé",
                "long": "Étiquette : 50 caractères au plus ; celui-ci en a 51.",
            },
        ),
        (
            "tr_TR",
            {
                "tab": "Ara",
                "title": "Başlık",
                "close": "Kapat",
                "prompt": "Müşteri oluşturulmadı",
                "long": "Etiket: en fazla 50 karakter; bunda 51 var.",
            },
        ),
    ],
)
def test_C10_the_gadget_in_dutch_french_and_turkish(desktop, finesse_locale, words):
    desktop.sign_in(1, "agent1", locale=finesse_locale)
    widget = gadget(desktop)
    answered_call(desktop, "+31 20 555 0777")
    expect(widget.get_by_role("tab", name=words["tab"])).to_be_visible()
    expect(widget.get_by_label(words["title"], exact=True)).to_be_visible()
    widget.locator("#cd-tag-input").fill("y" * 51)
    widget.locator("#cd-tag-input").press("Enter")
    expect(widget.locator("#cd-tag-error")).to_have_text(words["long"])
    shoot(desktop, f"{finesse_locale}-context")
    widget.locator("[data-cd-close]").click()
    expect(widget.get_by_role("dialog", name=words["prompt"])).to_be_visible()
    shoot(desktop, f"{finesse_locale}-create-discard")
