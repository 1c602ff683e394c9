"""A screen-pop brings the gadget's tab to the front (Finesse's activateMyTab, issue 11's Cisco
parity): a gadget preference, on by default; "false" leaves the agent's tab alone."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def tab_shown(desktop, name):
    return desktop.panel(1).get_by_role("tab", name=name)


def test_F2_a_new_interaction_brings_the_gadgets_tab_to_the_front(desktop):
    desktop.sign_in(1, "agent1")
    tab_shown(desktop, "Home").click()
    expect(tab_shown(desktop, "Home")).to_have_attribute("aria-selected", "true")
    dialog = desktop.call(1, caller="+31 20 555 0177")
    desktop.act(1, "answer", dialog)
    desktop.wait_for_dialog(1, dialog, "posted")
    expect(tab_shown(desktop, "Manage Customers")).to_have_attribute("aria-selected", "true")


def test_F2_the_preference_off_leaves_the_agents_tab_alone(desktop):
    desktop.sign_in(1, "agent1")
    desktop.harness("CDHarness.panels['1'].userPrefs = {activateTab: 'false'}")
    tab_shown(desktop, "Home").click()
    dialog = desktop.call(1, caller="+31 20 555 0178")
    desktop.act(1, "answer", dialog)
    desktop.wait_for_dialog(1, dialog, "posted")
    desktop.page.wait_for_timeout(300)
    expect(tab_shown(desktop, "Home")).to_have_attribute("aria-selected", "true")
