"""F5: another gadget on the desktop pushes an activity or a customer into the gadget over the
Finesse hub (topic `contextdesk.push`, docs/finesse.md). The harness publishes on the panel's
hub as another gadget of that desktop would."""

import json

import pytest
from playwright.sync_api import expect

from server.models import Activity, database
from tests.harness.desktop import wait_until
from tests.widget.test_harness_flow import gadget

pytestmark = pytest.mark.browser


def publish(desktop, payload, number=1):
    desktop.harness(
        f"CDHarness.panels['{number}'].publish('contextdesk.push', {json.dumps(payload)})"
    )


def test_F5_a_pushed_activity_pops_its_customer_once(desktop):
    desktop.sign_in(1, "agent1")
    widget = gadget(desktop)
    push = {
        "type": "activity",
        "medium": "email",
        "id": "crm-42",
        "identity": {"email": "ada@example.org"},
        "subject": "From the CRM",
    }
    publish(desktop, push)
    expect(widget.locator(".cd-customer-name-text")).to_have_text("ada@example.org")
    publish(desktop, json.dumps(push))  # the same activity again, as a JSON string: no second
    with database.connection_context():
        wait_until(lambda: Activity.select().where(Activity.source_id == "crm-42").count() == 1)
    expect(widget.locator("#cd-open-list [data-cd-select]")).to_have_count(1)
    publish(desktop, {"type": "activity", "medium": "email", "id": "crm-42", "action": "end"})
    wait_until(
        lambda: Activity.get(Activity.source_id == "crm-42").ended_at is not None,
        message="the pushed activity to end",
    )


def test_F5_a_pushed_customer_opens_in_the_gadget_and_bad_payloads_are_ignored(desktop, agent):
    customer = agent.post("/api/v1/customers", json={"name": "Sanne Jansen"}).get_json()
    desktop.sign_in(1, "agent1")
    widget = gadget(desktop)
    publish(desktop, "not json")
    publish(desktop, {"type": "unknown"})
    publish(desktop, {"type": "activity", "medium": "fax", "id": "x"})
    publish(desktop, {"type": "customer", "customer_id": customer["id"]})
    expect(widget.locator(".cd-customer-name-text")).to_have_text("Sanne Jansen")
    expect(widget.locator("#cd-open-list .cd-entry-name")).to_have_text("Sanne Jansen")


def side_gadget(desktop, number=1):
    """The sample CRM gadget beside ours on the panel's Home tab, once on the hub."""
    frame = wait_until(
        lambda: (
            (handle := desktop.page.query_selector(f"iframe#side-gadget-{number}"))
            and handle.content_frame()
        ),
        message="the sample CRM gadget's frame",
    )
    expect(frame.locator("[data-role=sent]")).to_have_text("Connected to the hub.")
    return frame


def test_F5_a_second_gadget_pushes_through_the_harness_hub(desktop, agent, harness_url, app):
    customer = agent.post("/api/v1/customers", json={"name": "Sanne Jansen"}).get_json()
    desktop.sign_in(1, "agent1")
    widget = gadget(desktop)
    crm = side_gadget(desktop)
    # Its file and script come from PUBLIC_URL, the harness is opened by another name.
    assert not harness_url.startswith(app.config["PUBLIC_URL"])
    crm_script = crm.evaluate("document.querySelector('script[src*=crm_gadget]').src")
    assert crm_script.startswith(app.config["PUBLIC_URL"] + "/")
    home = desktop.panel(1).get_by_role("tab", name="Home")
    customers_tab = desktop.panel(1).get_by_role("tab", name="Manage Customers")
    home.click()
    crm.get_by_label("Customer id").fill(customer["id"])
    crm.get_by_label("Customer id").press("Enter")  # the form's first button: Push customer
    expect(crm.locator("[data-role=sent]")).to_have_text("Sent on contextdesk.push.")
    expect(widget.locator(".cd-customer-name-text")).to_have_text("Sanne Jansen")
    expect(customers_tab).to_have_attribute("aria-selected", "true")  # activateMyTab
    home.click()
    crm.get_by_label("Id", exact=True).fill("crm-7")
    crm.get_by_label("From").fill("new.customer@example.org")
    crm.get_by_label("Subject").fill("Order 7 never came")
    crm.get_by_role("button", name="Push email").click()
    expect(widget.locator(".cd-customer-name-text")).to_have_text("new.customer@example.org")
    expect(widget.locator("#cd-open-list .cd-entry")).to_have_count(2)
    with database.connection_context():
        wait_until(lambda: Activity.select().where(Activity.source_id == "crm-7").count() == 1)
    # A second panel's desktop is another agent's: its gadget got nothing.
    desktop.sign_in(2, "agent2")
    expect(gadget(desktop, 2).locator("#cd-open-list [data-cd-select]")).to_have_count(0)
    desktop.screenshot("F5-crm-gadget-pushes")
