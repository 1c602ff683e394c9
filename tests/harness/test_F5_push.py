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
