/* Context Desk: the tag field (C6). Enter or Tab adds the tag typed; a refused tag keeps its
 * text and its message, and Tab again moves on rather than trapping the keyboard. The rules
 * (length, duplicates) are the service's: its answer says whether the tag was refused. A
 * removed tag hands the focus on.
 */
(function () {
  "use strict";

  var ContextDesk = (window.ContextDesk = window.ContextDesk || {});
  var dom = ContextDesk.dom;

  /** A key in the tag field. */
  function keys(event) {
    var input = event.target;
    var name = input.value.trim();
    var isTab = event.key === "Tab" && !event.shiftKey;
    if ((event.key !== "Enter" && !isTab) || !name) { return; }
    // A refused tag does not trap the keyboard: Tab again moves on, keeping the text.
    if (isTab && input.dataset.cdRefused === name) { return; }
    event.preventDefault();
    var sent = input.value;
    htmx.ajax("POST", input.dataset.cdUrl, {
      source: input, target: "#cd-tag-list", swap: "innerHTML", values: { name: sent },
    }).then(function () {
      var fresh = dom.$("#cd-tag-input");
      if (!fresh) { return; }
      if (dom.$("#cd-tag-error").textContent.trim()) {
        fresh.dataset.cdRefused = name;
        fresh.setAttribute("aria-invalid", "true");
      } else {
        // The agent may already be typing the next tag: only the one sent is cleared.
        if (fresh.value === sent) { fresh.value = ""; }
        fresh.removeAttribute("aria-invalid");
      }
      if (document.activeElement === document.body) { fresh.focus(); }
    });
  }

  /** Remove a tag; the focus goes to the button of the tag that took its place (the next
   *  one, else the one before), else to the tag field, never lost to the page. */
  function remove(button) {
    var index = dom.$$("#cd-tag-list [data-cd-remove-tag]").indexOf(button);
    return htmx.ajax("POST", button.dataset.cdUrl, {
      source: button, target: "#cd-tag-list", swap: "innerHTML",
      values: { name: button.dataset.cdRemoveTag },
    }).then(function () {
      var left = dom.$$("#cd-tag-list [data-cd-remove-tag]");
      var next = left[Math.min(index, left.length - 1)] || dom.$("#cd-tag-input");
      if (next) { next.focus(); }
    });
  }

  /** The agent changed the text: Tab sends it again. */
  function typed(input) { input.dataset.cdRefused = ""; }

  ContextDesk.tags = { keys: keys, typed: typed, remove: remove };
})();
