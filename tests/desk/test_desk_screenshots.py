"""The Care Desktop and the customer chat widget in every language at 1280 px, written to
test-artifacts/ for people to look at; at 1024 and 1920 px nothing scrolls sideways (D1, C10).
And the desk works with the keyboard alone."""

import pytest
from playwright.sync_api import expect

from server.config import LOCALES

pytestmark = pytest.mark.browser

READY = {"en": "Ready", "nl": "Gereed", "fr": "Prêt", "tr": "Hazır"}
START = {"en": "Start chat", "nl": "Chat starten", "fr": "Démarrer le chat", "tr": "Sohbeti başlat"}


def no_sideways_scrolling(desk_page, name):
    for width in (1024, 1920, 1280):
        desk_page.page.set_viewport_size({"width": width, "height": 900})
        desk_page.page.wait_for_timeout(100)
        assert desk_page.scroll_width() <= width, f"{name} scrolls sideways at {width} px"


@pytest.mark.parametrize("locale", LOCALES)
def test_D1_C10_the_desk_and_the_chat_widget_in_every_language(
    app, locale, desk, desk_agents, desk_sign_in, queue_task, new_page
):
    chat = queue_task("chat", {"email": "ann@example.org"}, name="Ann Visitor", subject="Parcel")
    queue_task("email", {"email": "bob@example.org"}, subject="Invoice 42", body="It is wrong.")
    queue_task("call", {"phone": "+31 20 555 0100"}, name="Carla Caller")

    one = desk().open(locale)
    one.shot(f"desk-{locale}-sign-in-1280")
    one.sign_in("care1", desk_agents["care1"], english=False)
    expect(one.page.locator("#desk-status option:checked")).not_to_have_text(READY[locale])
    one.page.locator("[data-desk-queued]").nth(1).click()
    expect(one.page.locator("#desk-preview")).to_be_visible()
    one.shot(f"desk-{locale}-preview-1280")
    no_sideways_scrolling(one, f"the preview in {locale}")

    one.page.locator("[data-desk-queued]").first.click()
    one.page.locator(f'[data-desk-accept="{chat["id"]}"]').click()
    expect(one.page.locator("#desk-chat")).to_be_visible()
    customer = {"Authorization": f"Bearer {chat['chat_token']}"}
    one.page.request.post(
        f"{one.base}/api/v1/chats/{chat['id']}/messages",
        data={"body": "Hello, my parcel did not arrive."},
        headers=customer,
    )
    one.page.locator("#desk-message").fill("Sorry to hear that. Let me look.")
    one.page.locator("#desk-message").press("Enter")
    expect(one.page.locator("#desk-chat li")).to_have_count(2)
    expect(one.page.locator("#cd-context .cd-customer")).to_be_visible()
    one.shot(f"desk-{locale}-chat-1280")
    no_sideways_scrolling(one, f"the chat in {locale}")

    site = new_page()
    site.goto(f"{one.base}/chat/demo?locale={locale}")
    site.locator(".context-desk-chat").locator(".chat-launcher").click()
    site.screenshot(path=shot_path(f"chat-{locale}-start-1280"))
    site.locator("#chat-name").fill("Ben Visitor")
    site.locator("#chat-email").fill("ben@example.org")
    site.get_by_role("button", name=START[locale]).click()
    site.locator("#chat-message").fill("Is anyone there?")
    site.locator("#chat-message").press("Enter")
    expect(site.locator(".chat-messages li")).to_have_count(1)
    site.screenshot(path=shot_path(f"chat-{locale}-talk-1280"))


def test_D1_at_400_px_the_status_label_stays_beside_its_list(desk, desk_agents):
    one = desk(width=400, locale="fr-FR").open("fr").sign_in("care1", desk_agents["care1"], False)
    label = one.page.locator("label[for=desk-status]").bounding_box()
    status = one.page.locator("#desk-status").bounding_box()
    # On one line: the label's middle lies within the list's height.
    assert status["y"] <= label["y"] + label["height"] / 2 <= status["y"] + status["height"]
    assert one.scroll_width() <= 400
    one.shot("desk-fr-signed-in-400")


def shot_path(name):
    import os

    from tests.desk.conftest import ARTIFACTS

    os.makedirs(ARTIFACTS, exist_ok=True)
    return os.path.join(ARTIFACTS, name + ".png")


def test_D1_the_desk_works_with_the_keyboard_alone(desk, desk_agents, queue_task):
    queue_task("email", {"email": "bob@example.org"}, subject="Invoice 42", body="It is wrong.")
    one = desk().open()
    page = one.page
    page.locator("#desk-username").focus()
    page.keyboard.type("care1")
    page.keyboard.press("Tab")
    page.keyboard.type(desk_agents["care1"])
    page.keyboard.press("Enter")
    page.wait_for_selector("#desk-lists:not([aria-busy])")

    def tab_to(selector, back=False, limit=40):
        for _ in range(limit):
            page.keyboard.press("Shift+Tab" if back else "Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    # A queued task, previewed (D2).
    tab_to("[data-desk-queued]")
    page.keyboard.press("Enter")
    expect(page.locator("#desk-preview")).to_be_visible()
    tab_to("[data-desk-accept]")
    # Ready, with the arrow keys: the offer's dialog takes the focus, Enter accepts (D5).
    tab_to("#desk-status", back=True)
    page.keyboard.press("ArrowUp")
    offer = page.get_by_role("dialog", name="New task")
    expect(offer).to_be_visible()
    expect(offer.get_by_role("button", name="Accept")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("list", name="Active tasks")).to_contain_text("Invoice 42")
    tab_to("[data-desk-end]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("list", name="Active tasks")).to_contain_text("No active task")
