"""The widget in Chromium, on its standalone page, used as an agent would: clicks, typing, keys."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_C1_answered_call_shows_in_open_and_C7_customer_created_from_prefilled_form(agent, widget):
    widget.open()
    page = widget.page
    expect(page.locator("#cd-open-list")).to_contain_text("No customers open")
    agent.call("+31 20 123 4567", "dialog-1")
    widget.refresh()  # what the bridge does after posting the interaction
    expect(page.locator("#cd-open-list .cd-entry-name")).to_have_text("+31 20 123 4567")
    expect(page.locator("#cd-count-open")).to_have_text("1")
    page.get_by_role("button", name="+31 20 123 4567 Show customer details").click()
    expect(page.get_by_label("Phone", exact=True)).to_have_value("+31 20 123 4567")
    widget.shot("C7-create-form-1200")
    page.get_by_label("Name", exact=True).fill("Grace Hopper")
    page.get_by_label("Company").fill("Navy")
    page.get_by_role("button", name="Create").click()
    expect(page.locator(".cd-customer-name-text")).to_have_text("Grace Hopper")
    expect(page.locator("#cd-customer .cd-save-status")).to_have_text("Customer created.")
    expect(page.get_by_role("button", name="Edit")).to_be_visible()
    expect(page.locator("#cd-open-list .cd-entry-name")).to_have_text("Grace Hopper")


def test_C7_edit_then_save_an_existing_customer(known_customer, agent):
    page = known_customer.page
    page.locator(".cd-customer-name").click()
    expect(page.get_by_label("Name", exact=True)).to_be_disabled()
    page.get_by_role("button", name="Edit").click()
    expect(page.get_by_label("Name", exact=True)).to_be_focused()
    page.get_by_label("Name", exact=True).fill("Ada King")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".cd-customer-name-text")).to_have_text("Ada King")
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    customer_id = page.locator("#cd-customer").get_attribute("data-cd-record").split(":")[1]
    assert agent.get(f"/api/v1/customers/{customer_id}").get_json()["name"] == "Ada King"


def test_C4_title_saved_in_place_with_characters_left_and_over_long_refused(unknown_caller):
    page = unknown_caller.page
    title = page.get_by_label("Title")
    title.fill("Printer broken")
    expect(page.locator("#cd-request-title-count")).to_have_text("Characters left: 1986")
    title.press("Tab")
    expect(page.locator("#cd-request-status")).to_have_text("Saved")
    version = page.locator("#cd-request").get_attribute("data-cd-version")
    assert version == "2" and title.get_attribute("data-cd-original") == "Printer broken"
    title.fill("x" * 2001)
    expect(page.locator("#cd-request-title-count")).to_have_text("Characters over the limit: 1")
    title.press("Tab")
    expect(page.locator("#cd-request-title-error")).to_have_text(
        "Title: at most 2000 characters; this has 2001."
    )
    unknown_caller.shot("C4-over-long-1200")


def test_C5_request_icon_shows_status_and_dates(unknown_caller):
    icon = unknown_caller.page.locator("#cd-request-icon")
    expect(icon).to_contain_text("Open")
    expect(icon).to_contain_text("Created")
    assert "created" in icon.get_attribute("title")


def test_C6_tags_with_enter_and_tab_duplicates_and_long_ones_refused(unknown_caller):
    page = unknown_caller.page
    # By id: once the journey shows the tag (C13), its tag list is labelled "Tags" too.
    field = page.locator("#cd-tag-input")
    field.fill("billing")
    field.press("Enter")
    expect(page.locator("#cd-tag-list .cd-tag-name")).to_have_text(["billing"])
    expect(field).to_be_focused()
    expect(field).to_have_value("")
    field.fill("urgent")
    field.press("Tab")
    expect(page.locator("#cd-tag-list .cd-tag-name")).to_have_text(["billing", "urgent"])
    expect(page.locator("#cd-tag-input")).to_be_focused()
    page.locator("#cd-tag-input").fill("  BILLING ")
    page.locator("#cd-tag-input").press("Enter")
    expect(page.locator("#cd-tag-error")).to_have_text(
        "“BILLING” is already a tag of this interaction."
    )
    page.locator("#cd-tag-input").fill("t" * 51)
    page.locator("#cd-tag-input").press("Tab")
    expect(page.locator("#cd-tag-error")).to_have_text("Tag: at most 50 characters; this has 51.")
    unknown_caller.shot("C6-tag-refused-1200")
    # A refused tag does not trap the keyboard: Tab again moves on.
    page.locator("#cd-tag-input").press("Tab")
    expect(page.locator("#cd-tag-input")).not_to_be_focused()
    page.get_by_role("button", name="Remove tag urgent").click()
    expect(page.locator("#cd-tag-list .cd-tag-name")).to_have_text(["billing"])


def test_comments_are_added_to_the_activity(unknown_caller):
    page = unknown_caller.page
    page.get_by_label("Add a comment").fill("Customer will call back tomorrow")
    page.get_by_role("button", name="Add comment").click()
    expect(page.locator("#cd-comment-list .cd-comment-body")).to_have_text(
        ["Customer will call back tomorrow"]
    )
    expect(page.get_by_label("Add a comment")).to_have_value("")
    page.get_by_role("button", name="Add comment").click()
    expect(page.locator("#cd-comment-error")).to_have_text("Comment: write something first.")


def test_C8_close_unknown_caller_asks_create_or_discard(agent, unknown_caller):
    page = unknown_caller.page
    page.get_by_role("button", name="Close +31 20 123 4567").click()
    dialog = page.get_by_role("dialog", name="No customer created")
    expect(dialog).to_be_visible()
    unknown_caller.shot("C8-create-discard-1200")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Close +31 20 123 4567").click()
    dialog.get_by_role("button", name="Discard").click()
    expect(page.locator("#cd-open-list")).to_contain_text("No customers open")
    expect(page.locator("#cd-count-recent")).to_have_text("1")
    expect(page.locator("#cd-context")).to_contain_text("No customer selected")
    page.get_by_role("tab", name="Recent").click()
    expect(page.locator("#cd-recent-list")).to_contain_text("+31 20 123 4567")


def test_C8_close_unknown_caller_with_create_shows_the_form_then_closes(agent, unknown_caller):
    """Create in Close's prompt opens the prefilled form; nothing is created blindly (C7)."""
    page = unknown_caller.page
    page.get_by_role("button", name="Close +31 20 123 4567").click()
    page.get_by_role("dialog", name="No customer created").get_by_role(
        "button", name="Create"
    ).click()
    expect(page.get_by_label("Phone", exact=True)).to_have_value("+31 20 123 4567")
    expect(page.get_by_label("Name", exact=True)).to_be_focused()
    assert agent.get("/api/v1/customers?q=0201234567").get_json()["items"] == []
    page.get_by_label("Name", exact=True).fill("Grace Hopper")
    page.locator("#cd-customer-form").get_by_role("button", name="Create").click()
    expect(page.locator(".cd-customer-name-text")).to_have_text("Grace Hopper")
    page.get_by_role("button", name="Close Grace Hopper").click()
    expect(page.locator("#cd-open-list")).to_contain_text("No customers open")
    assert agent.get("/api/v1/customers?q=0201234567").get_json()["items"][0]["known"]


def test_C8_close_with_unsaved_edits_asks_save_or_discard(agent, known_customer):
    page = known_customer.page
    page.locator(".cd-customer-name").click()
    page.get_by_role("button", name="Edit").click()
    page.get_by_label("Name", exact=True).fill("Ada Byron")
    page.get_by_role("button", name="Close Ada Lovelace").click()
    dialog = page.get_by_role("dialog", name="Unsaved changes")
    expect(dialog).to_be_visible()
    known_customer.shot("C8-save-discard-1200")
    dialog.get_by_role("button", name="Save").click()
    expect(page.locator("#cd-open-list")).to_contain_text("No customers open")
    assert agent.get("/api/v1/customers?q=ada").get_json()["items"][0]["name"] == "Ada Byron"


def test_C8_discarding_unsaved_edits_keeps_the_customer_as_it_was(agent, known_customer):
    page = known_customer.page
    page.locator(".cd-customer-name").click()
    page.get_by_role("button", name="Edit").click()
    page.get_by_label("Name", exact=True).fill("Somebody else")
    page.get_by_role("button", name="Close Ada Lovelace").click()
    page.get_by_role("dialog", name="Unsaved changes").get_by_role("button", name="Discard").click()
    expect(page.locator("#cd-open-list")).to_contain_text("No customers open")
    assert agent.get("/api/v1/customers?q=ada").get_json()["items"][0]["name"] == "Ada Lovelace"


def test_C9_reopen_from_recent_and_from_search(known_customer):
    page = known_customer.page
    page.get_by_role("button", name="Close Ada Lovelace").click()
    expect(page.locator("#cd-open-list")).to_contain_text("No customers open")
    page.get_by_role("tab", name="Recent").click()
    page.get_by_role("button", name="Reopen Ada Lovelace").click()
    expect(page.get_by_role("tab", name="Open")).to_have_attribute("aria-selected", "true")
    expect(page.locator(".cd-customer-name-text")).to_have_text("Ada Lovelace")
    expect(page.locator("#cd-activity")).to_be_visible()  # the newest activity, to update
    page.get_by_role("button", name="Close Ada Lovelace").click()
    page.get_by_role("tab", name="Search").click()
    page.get_by_label("Find a customer by name, email or phone").fill("ada")
    page.get_by_role("button", name="Search", exact=True).click()
    known_customer.settle()
    known_customer.shot("C9-search-1200")
    page.locator("#cd-search-results").get_by_role("button", name="Reopen Ada Lovelace").click()
    expect(page.locator(".cd-customer-name-text")).to_have_text("Ada Lovelace")
    known_customer.settle()
    page.locator("#cd-request-title").fill("Reopened and updated")
    page.locator("#cd-request-title").press("Tab")
    expect(page.locator("#cd-request-status")).to_have_text("Saved")


def test_C9_tabs_work_from_the_keyboard(unknown_caller):
    page = unknown_caller.page
    page.get_by_role("tab", name="Open").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Recent")).to_be_focused()
    expect(page.locator("#cd-panel-recent")).to_be_visible()
    page.keyboard.press("End")
    expect(page.locator("#cd-panel-search")).to_be_visible()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#cd-panel-open")).to_be_visible()


def test_C2_journey_newest_first_current_highlighted_paged_with_show_older(agent, known_customer):
    for number in range(30):
        agent.email("ada@example.org", f"mail-more-{number}")
    page = known_customer.page
    known_customer.refresh()
    page.locator("#cd-open-list .cd-entry").first.click()
    known_customer.settle()
    items = page.locator("#cd-journey-list .cd-journey-item")
    expect(items).to_have_count(10)
    expect(items.first).to_have_class("cd-journey-item cd-current")
    for shown in (20, 30, 33):  # 31 emails, the request opened, the customer created
        page.get_by_role("button", name="Show older").click()
        expect(items).to_have_count(shown)
    expect(page.locator(".cd-journey-more")).to_have_count(0)


def test_D8_add_request_and_D7_move_the_interaction_back_from_the_journey(agent, known_customer):
    page = known_customer.page
    page.get_by_text("Add request", exact=True).first.click()
    page.locator("#cd-new-request-title").fill("Second issue")
    page.locator("#cd-add-request").get_by_role("button", name="Add request").click()
    expect(page.locator("#cd-request-title")).to_have_value("Second issue")
    known_customer.shot("D7-move-1200")
    move = page.locator(".cd-move").first
    move.get_by_label("Move to request").select_option(label="Invoice question · Open")
    move.get_by_role("button", name="Move").click()
    expect(page.locator("#cd-request-title")).to_have_value("Invoice question")


def test_C3_stale_save_dispatches_cd_stale_not_an_error(agent, known_customer):
    page = known_customer.page
    page.evaluate("""() => { window.staleEvents = [];
        document.addEventListener('cd:stale', e => window.staleEvents.push(e.detail)); }""")
    record = page.locator("#cd-request").get_attribute("data-cd-record")
    request_id = record.split(":")[1]
    current = agent.get(f"/api/v1/requests/{request_id}").get_json()
    agent.patch(
        f"/api/v1/requests/{request_id}",
        json={"version": current["version"], "title": "Changed elsewhere"},
    )
    page.locator("#cd-request-title").fill("Mine")
    page.locator("#cd-request-title").press("Tab")
    page.wait_for_function("() => window.staleEvents.length === 1")
    detail = page.evaluate("window.staleEvents[0]")
    assert detail["kind"] == "request" and detail["id"] == request_id
    assert detail["current"]["title"] == "Changed elsewhere"
    expect(page.locator("#cd-banner")).to_be_hidden()


def test_C10_widget_in_dutch_from_the_locale_parameter(agent, widget):
    agent.call("+31 20 123 4567", "dialog-1")
    widget.open(locale="nl_NL")
    page = widget.page
    expect(page.get_by_role("tab", name="Zoeken")).to_be_visible()
    expect(page.get_by_label("Titel")).to_be_visible()
    expect(page.locator("#cd-request-title-count")).to_have_text("Tekens over: 2000")
    page.get_by_label("Titel").fill("abc")
    expect(page.locator("#cd-request-title-count")).to_have_text("Tekens over: 1997")


def test_readable_at_320_px_without_sideways_scrolling(unknown_caller):
    page = unknown_caller.page
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
    unknown_caller.shot("layout-320")


def test_C3_after_live_load_the_parts_that_are_not_fields_follow(agent2, known_customer):
    """live.js loads another agent's change into the fields; the widget redraws the rest."""
    page = known_customer.page
    activity = page.locator("#cd-activity").get_attribute("data-cd-record").split(":")[1]
    customer = page.locator("#cd-customer").get_attribute("data-cd-record").split(":")[1]
    current = agent2.get(f"/api/v1/customers/{customer}").get_json()
    agent2.patch(
        f"/api/v1/customers/{customer}", json={"version": current["version"], "name": "Ada King"}
    )
    agent2.post(f"/api/v1/activities/{activity}/tags", json={"name": "vip"})
    agent2.post(f"/api/v1/activities/{activity}/comments", json={"body": "Called her back"})
    for kind, record_id in (("activity", activity), ("customer", customer)):
        page.evaluate(
            "detail => document.dispatchEvent(new CustomEvent('cd:loaded', {detail}))",
            {"kind": kind, "id": record_id},
        )
    expect(page.locator("#cd-tag-list .cd-tag-name")).to_have_text(["vip"])
    expect(page.locator("#cd-comment-list .cd-comment-body")).to_have_text(["Called her back"])
    expect(page.locator(".cd-customer-name-text")).to_have_text("Ada King")
    expect(page.locator("#cd-open-list .cd-entry-name")).to_have_text("Ada King")


def test_C4_title_and_description_saved_quickly_one_after_the_other(agent, unknown_caller):
    """The second save waits for the first and goes out on the version the first produced."""
    page = unknown_caller.page
    request_id = page.locator("#cd-request").get_attribute("data-cd-record").split(":")[1]
    page.locator("#cd-request-title").fill("Printer")
    page.locator("#cd-request-title").press("Tab")
    page.locator("#cd-request-description").fill("Paper jam in tray 2")
    page.locator("#cd-request-description").press("Tab")
    expect(page.locator("#cd-request")).to_have_attribute("data-cd-version", "3")
    saved = agent.get(f"/api/v1/requests/{request_id}").get_json()
    assert (saved["title"], saved["description"]) == ("Printer", "Paper jam in tray 2")
    expect(page.locator("#cd-banner")).to_be_hidden()
