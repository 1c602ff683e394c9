"""Driving the mock Finesse desktop in Playwright, as a developer playing agent and customer
would. Other areas' browser tests (the widget's) import `Desktop` and `wait_until` from here."""

import os

from tests.waiting import wait_until  # noqa: F401  (other tests import it from here)

ARTIFACTS = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "test-artifacts", "harness"
)


class Desktop:
    """The harness page, driven as a developer playing agent and customer would."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.errors = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on(  # what a Content-Security-Policy blocked, in any frame, is an error too
            "console",
            lambda message: (
                "Content Security Policy" in message.text.replace("-", " ")
                and self.errors.append(message.text)
            ),
        )

    def open(self, path="/harness/"):
        self.page.goto(self.base_url + path)
        return self

    def panel(self, number):
        return self.page.locator(f'section[data-panel="{number}"]')

    def sign_in(self, number, agent, password=None, locale="en_US", auth="basic"):
        panel = self.panel(number)
        panel.locator("[name=agent]").select_option(agent)
        panel.locator("[name=password]").fill(password or "password" + agent[-1])
        panel.locator("[name=locale]").select_option(locale)
        panel.locator("[name=auth]").select_option(auth)
        panel.get_by_role("button", name="Sign in").click()
        self.page.wait_for_selector(f"iframe#gadget-{number}")
        wait_until(
            lambda: self.bridge(number) and self.bridge(number)["signedIn"],
            message=f"the gadget of panel {number} to sign in",
        )

    def frame(self, number):
        handle = self.page.query_selector(f"iframe#gadget-{number}")
        return handle.content_frame() if handle else None

    def bridge(self, number):
        """The bridge's own account of itself (no credentials in it)."""
        frame = self.frame(number)
        try:
            return (
                frame.evaluate(
                    "window.finesse && finesse.modules && finesse.modules.ContextDesk ? "
                    "finesse.modules.ContextDesk.status() : null"
                )
                if frame
                else None
            )
        except Exception:  # the frame is navigating (reload)
            return None

    def dialog_status(self, number, dialog_id):
        status = self.bridge(number)
        return status and status["dialogs"].get(dialog_id, {}).get("status")

    def wait_for_dialog(self, number, dialog_id, status):
        wait_until(
            lambda: self.dialog_status(number, dialog_id) == status,
            message=f"dialog {dialog_id} to be {status} in panel {number}",
        )

    def harness(self, script):
        return self.page.evaluate(script)

    def call(self, number, caller=None):
        """A call arrives from `caller` (None: a hidden number); returns the dialog id."""
        panel = self.panel(number)
        panel.locator("[name=hidden]").set_checked(caller is None)
        if caller is not None:
            panel.locator("[name=number]").fill(caller)
        before = set(self.dialog_ids(number))
        panel.get_by_role("button", name="Call arrives").click()
        return wait_until(
            lambda: (set(self.dialog_ids(number)) - before or {None}).pop(),
            message="the call to arrive",
        )

    def task(self, number, medium, address, subject=""):
        panel = self.panel(number)
        panel.locator("[name=medium]").select_option(medium)
        panel.locator("[name=address]").fill(address)
        panel.locator("[name=subject]").fill(subject)
        before = set(self.dialog_ids(number))
        panel.get_by_role("button", name="Arrives", exact=True).click()
        return wait_until(
            lambda: (set(self.dialog_ids(number)) - before or {None}).pop(),
            message=f"the {medium} to arrive",
        )

    def dialog_ids(self, number):
        return (
            self.panel(number)
            .locator("[data-role=dialogs] li")
            .evaluate_all("items => items.map(item => item.dataset.dialog)")
        )

    def act(self, number, action, dialog_id):
        self.panel(number).locator(
            f'button[data-action="{action}"][data-dialog="{dialog_id}"]'
        ).click()

    def reload_gadget(self, number):
        # Finesse reloads a gadget on failover without the agent touching anything, so the
        # focus stays where it was: a real click would first take it from the field being
        # typed in, whose change event then races the reload to save the text.
        self.panel(number).get_by_role("button", name="Reload gadget").dispatch_event("click")

    def screenshot(self, name):
        os.makedirs(ARTIFACTS, exist_ok=True)
        self.page.screenshot(path=os.path.join(ARTIFACTS, name + ".png"), full_page=True)
