"""Accessibility of the widget: usable from the keyboard alone, focus visible, text readable."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# WCAG 2.1 AA: 4.5:1 for text, 3:1 for large text (24 px, or 18.66 px bold).
CONTRAST = """root => {
  function rgb(text) { return text.match(/[\\d.]+/g).map(Number); }
  function luminance([r, g, b]) {
    const c = [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92
                                    : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  function background(node) {
    for (; node && node.nodeType === 1; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length < 4 || colour[3] > 0) { return colour; }
    }
    return [255, 255, 255];
  }
  const poor = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !node.offsetParent) { continue; }
    const style = getComputedStyle(node);
    if (node.closest(".cd-visually-hidden") || node.matches("option")) { continue; }
    const fg = luminance(rgb(style.color)), bg = luminance(background(node));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) {
      poor.push(`${node.className}: ${ratio.toFixed(2)} "${node.textContent.trim().slice(0, 30)}"`);
    }
  }
  return poor;
}"""


def test_text_contrast_meets_wcag_aa(agent, widget):
    agent.post("/api/v1/customers", json={"name": "Ada Lovelace", "email": "ada@example.org"})
    mail = agent.email("ada@example.org", "mail-1", subject="Invoice").get_json()
    agent.post(f"/api/v1/activities/{mail['activity']['id']}/tags", json={"name": "billing"})
    agent.call("+31 20 555 0100", "dialog-1")
    widget.open()
    page = widget.page
    page.locator("#cd-tag-input").fill("x" * 51)
    page.locator("#cd-tag-input").press("Enter")
    expect(page.locator("#cd-tag-error")).not_to_be_empty()
    page.locator(".cd-customer-name").click()
    assert page.eval_on_selector("[data-context-desk]", CONTRAST) == []
    page.locator("#cd-open-list .cd-entry").nth(1).click()
    expect(page.locator(".cd-customer-name-text")).to_have_text("Ada Lovelace")
    assert page.eval_on_selector("[data-context-desk]", CONTRAST) == []


def test_C7_C8_the_keyboard_alone_edits_saves_and_closes(agent, widget):
    agent.post("/api/v1/customers", json={"name": "Ada Lovelace", "email": "ada@example.org"})
    agent.email("ada@example.org", "mail-1")
    widget.open()
    page = widget.page
    page.locator(".cd-customer-name").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".cd-customer-name")).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("button", name="Edit")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Name", exact=True)).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("Ada King")
    page.get_by_role("button", name="Save").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".cd-customer-name-text")).to_have_text("Ada King")
    # Focus is visible: a 3 px outline on whatever has it.
    page.locator("[data-cd-close]").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(page.locator("[data-cd-close]")).to_be_focused()
    assert (
        page.eval_on_selector("[data-cd-close]", "b => getComputedStyle(b).outlineWidth") == "3px"
    )
    page.keyboard.press("Enter")
    expect(page.locator("#cd-open-list")).to_contain_text("No customers open")
    expect(page.get_by_role("tab", name="Open")).to_be_focused()


def test_C8_escape_cancels_the_close_prompt(agent, widget):
    agent.call("+31 20 555 0100", "dialog-1")
    widget.open()
    page = widget.page
    page.locator("[data-cd-close]").click()
    dialog = page.get_by_role("dialog", name="No customer created")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Create")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("[data-cd-close]")).to_be_focused()
    expect(page.locator("#cd-open-list .cd-entry")).to_have_count(1)
