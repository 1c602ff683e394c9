"""C12 in the widget: a customer created or edited with another customer's email or phone is
not accepted silently. The widget sends without `confirm_shared`; the 409 identity-taken shows
a prompt naming the other customer, with Open (that customer) or Save anyway (shared). The text
typed stays in the form, and on its own record when the agent goes to look (C11)."""

import pytest
from playwright.sync_api import expect

from tests.widget.test_fragments import form, html


@pytest.fixture
def sanne(agent):
    return agent.post(
        "/api/v1/customers",
        json={"name": "Sanne Jansen", "email": "sanne@example.nl", "phone": "+31 6 1111 2222"},
    ).get_json()


def customers_with_email(agent, email):
    found = agent.get("/api/v1/customers", query_string={"q": email}).get_json()["items"]
    return sorted(customer["name"] for customer in found if customer["email"] == email)


def test_C12_widget_create_with_a_taken_email_is_a_409_prompt_until_confirmed(agent, sanne):
    activity = agent.chat("visitor-7", "chat-1").get_json()["activity"]
    values = {"activity_id": activity["id"], "name": "S. Jansen", "email": "Sanne@Example.nl"}
    refused = form(agent, "POST", "/widget/customers", values)
    assert refused.status_code == 409
    page = html(refused)
    assert "This email address already belongs to another customer." in page
    assert "Open Sanne Jansen" in page and f'data-cd-open-customer="{sanne["id"]}"' in page
    assert 'value="S. Jansen"' in page and 'value="Sanne@Example.nl"' in page  # kept as typed
    assert customers_with_email(agent, "sanne@example.nl") == ["Sanne Jansen"]
    created = form(agent, "POST", "/widget/customers", {**values, "confirm_shared": "1"})
    assert created.status_code == 201
    assert customers_with_email(agent, "sanne@example.nl") == ["S. Jansen", "Sanne Jansen"]


def test_C12_widget_edit_to_a_taken_phone_asks_and_keeping_ones_own_does_not(agent, sanne):
    ada = agent.post("/api/v1/customers", json={"name": "Ada Lovelace"}).get_json()
    path = f"/widget/customers/{ada['id']}"
    refused = form(agent, "PATCH", path, {"version": ada["version"], "phone": "06 1111 2222"})
    assert refused.status_code == 409
    assert "This phone number already belongs to another customer." in html(refused)
    assert agent.get(f"/api/v1/customers/{ada['id']}").get_json()["version"] == ada["version"]
    own = form(
        agent,
        "PATCH",
        f"/widget/customers/{sanne['id']}",
        {"version": sanne["version"], "name": "Sanne J.", "phone": "+31 6 1111 2222"},
    )
    assert own.status_code == 200


@pytest.mark.browser
def test_C12_the_prompt_names_the_other_customer_and_save_anyway_from_the_keyboard(
    agent, sanne, widget
):
    agent.call("+31 20 123 4567", "dialog-1")
    widget.open()
    page = widget.page
    expect(page.locator(".cd-customer-name-text")).to_have_text("+31 20 123 4567")
    page.locator(".cd-customer-name").focus()
    page.keyboard.press("Enter")  # the form opens on its first field
    expect(page.get_by_label("Name", exact=True)).to_be_focused()
    page.keyboard.type("S. Jansen")
    page.keyboard.press("Tab")
    page.keyboard.type("sanne@example.nl")
    page.get_by_role("button", name="Create").focus()
    page.keyboard.press("Enter")
    prompt = page.get_by_role("alert").filter(has_text="already belongs to another customer")
    expect(prompt).to_contain_text("Sanne Jansen")
    expect(page.get_by_role("button", name="Open Sanne Jansen")).to_be_focused()
    expect(page.get_by_label("Name", exact=True)).to_have_value("S. Jansen")  # nothing lost
    expect(page.get_by_label("Email", exact=True)).to_have_value("sanne@example.nl")
    widget.shot("C12-identity-taken-1200")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save anyway, shared with them")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".cd-customer-name-text")).to_have_text("S. Jansen")
    expect(page.locator("#cd-customer .cd-save-status")).to_have_text("Customer created.")
    assert customers_with_email(agent, "sanne@example.nl") == ["S. Jansen", "Sanne Jansen"]


@pytest.mark.browser
def test_C12_C11_open_the_other_customer_and_the_typed_text_waits_on_its_own_record(
    agent, sanne, widget
):
    agent.call("+31 20 123 4567", "dialog-1")
    widget.open(locale="nl")
    page = widget.page
    page.locator(".cd-customer-name").click()
    page.get_by_label("Naam", exact=True).fill("S. Jansen")
    page.get_by_label("E-mail", exact=True).fill("sanne@example.nl")
    page.get_by_role("button", name="Aanmaken").click()
    open_sanne = page.get_by_role("button", name="Sanne Jansen openen")
    expect(open_sanne).to_be_focused()
    widget.shot("C12-identity-taken-nl-1200")
    page.keyboard.press("Enter")
    expect(page.locator(".cd-customer-name-text")).to_have_text("Sanne Jansen")
    expect(page.get_by_label("Naam", exact=True)).to_have_value("Sanne Jansen")
    page.locator("#cd-open-list .cd-entry", has_text="+31 20 123 4567").click()
    expect(page.get_by_label("Naam", exact=True)).to_have_value("S. Jansen")
    expect(page.get_by_label("E-mail", exact=True)).to_have_value("sanne@example.nl")
    expect(page.locator("[data-cd-draft-notice]")).to_be_visible()
    assert customers_with_email(agent, "sanne@example.nl") == ["Sanne Jansen"]
