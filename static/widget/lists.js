/* Context Desk: Open / Recent / Search (C9) and the customer shown beside them.
 *
 * The tabs and their arrow keys; loading the Open list; once it is in, showing the customer a
 * reopen asked for, or one whose interaction is new in Open, or clearing a customer no longer
 * open; and showing a customer's context (`select`, also the bridge's and live.js's).
 */
(function () {
  "use strict";

  var ContextDesk = (window.ContextDesk = window.ContextDesk || {});
  var dom = ContextDesk.dom;
  var state = { selected: null, shown: null, showing: null, seen: null };

  function rendered() { ContextDesk.widget.rendered(); }

  /** A (re)start of the widget: nothing selected, every Open entry new. */
  function reset() {
    state.selected = null;
    state.shown = null;
    state.seen = null;
  }

  // --- Tabs -------------------------------------------------------------------------------

  function showTab(tab) {
    dom.$$("[role=tab]").forEach(function (other) {
      var chosen = other === tab;
      other.setAttribute("aria-selected", chosen ? "true" : "false");
      other.tabIndex = chosen ? 0 : -1;
      dom.$("#" + other.getAttribute("aria-controls")).hidden = !chosen;
    });
    rendered();
  }

  function tabKeys(event) {
    var tabs = dom.$$("[role=tab]");
    var index = tabs.indexOf(event.target);
    var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (next === undefined) { return; }
    event.preventDefault();
    var tab = tabs[(next + tabs.length) % tabs.length];
    tab.focus();
    showTab(tab);
  }

  // --- The Open list ----------------------------------------------------------------------

  function load() {
    if (!dom.root()) { return Promise.resolve(); }
    return htmx.ajax("GET", ContextDesk.http.url("/widget/workspace"),
                     { target: "#cd-open-list", swap: "innerHTML" });
  }

  /** Show the customer a reopen asked for, or a customer whose interaction is new in Open. */
  function arrived() {
    var list = dom.$("#cd-open-list");
    list.removeAttribute("aria-busy");
    var entries = dom.$$("[data-cd-select]", list);
    var ask = dom.$("[data-cd-select-after]", list);
    var firstLoad = state.seen === null;
    var seen = state.seen || {};
    state.seen = {};
    entries.forEach(function (entry) { state.seen[entry.dataset.activityId] = true; });
    var fresh = entries.filter(function (entry) { return !seen[entry.dataset.activityId]; });
    var stillOpen = entries.some(function (entry) {
      return entry.dataset.customerId === state.selected;
    });
    if (ask) {
      showTab(dom.$("#cd-tab-open"));
      var chosen = entries.filter(function (entry) {
        return entry.dataset.customerId === ask.dataset.cdSelectAfter;
      })[0];
      select(ask.dataset.cdSelectAfter, chosen ? chosen.dataset.activityId : "", true);
    } else if (fresh.length && (!firstLoad || !state.selected)) {
      if (state.selected && ContextDesk.drafts.busy() &&
          fresh[0].dataset.customerId !== state.selected) {
        // The agent is typing on the customer shown (C11): switching now would take their
        // keystrokes to the new caller's record. Say it came; they switch when they choose.
        announce(fresh[0]);
      } else {
        select(fresh[0].dataset.customerId, fresh[0].dataset.activityId, false);
      }
    } else if (state.selected && !stillOpen) {
      clearContext();
    }
    rendered();
  }

  /** "A new interaction came in: <name>" with Show, above the customer being worked on. */
  function announce(entry) {
    var context = dom.$("#cd-context");
    var old = dom.$("[data-cd-arrived]", context);
    if (old) { old.remove(); }
    var notice = document.createElement("div");
    notice.className = "cd-arrived";
    notice.setAttribute("role", "status");
    notice.setAttribute("data-cd-arrived", "");
    var text = document.createElement("p");
    var name = dom.$(".cd-entry-name", entry);
    text.textContent = ContextDesk.widget.text("newInteraction", {
      name: name ? name.textContent.trim() : "",
    });
    var show = document.createElement("button");
    show.type = "button";
    show.className = "cd-button cd-button-small";
    show.textContent = ContextDesk.widget.text("show");
    show.addEventListener("click", function () {
      select(entry.dataset.customerId, entry.dataset.activityId, true);
    });
    notice.appendChild(text);
    notice.appendChild(show);
    context.insertBefore(notice, context.firstChild);
    rendered();
  }

  function markSelected() {
    dom.$$("#cd-open-list [data-cd-select]").forEach(function (entry) {
      if (entry.dataset.customerId === state.selected) { entry.setAttribute("aria-current", "true"); }
      else { entry.removeAttribute("aria-current"); }
    });
  }

  // --- The customer shown -----------------------------------------------------------------

  function select(customerId, activityId, focus) {
    // A refresh (the bridge's, live.js's) and a reopen can ask for the same context at once:
    // render it once, or a tag typed in between would vanish under the second render.
    var key = customerId + ":" + (activityId || "");
    if (state.selected === String(customerId) && state.shown === key && state.showing) {
      return state.showing.then(function () { if (focus) { focusName(); } });
    }
    state.selected = String(customerId);
    state.shown = key;
    var path = "/widget/customers/" + encodeURIComponent(customerId) +
      (activityId ? "?activity=" + encodeURIComponent(activityId) : "");
    state.showing = htmx.ajax("GET", ContextDesk.http.url(path), { target: "#cd-context", swap: "innerHTML" });
    return state.showing.then(function () { if (focus) { focusName(); } });
  }

  function focusName() {
    var name = dom.$(".cd-customer-name");
    if (name) { name.focus(); }
  }

  function clearContext() {
    state.selected = null;
    state.shown = null;
    var empty = dom.$("#cd-context-empty");
    dom.$("#cd-context").innerHTML = empty ? empty.innerHTML : "";
    rendered();
  }

  /** The agent says which of the customers sharing the phone or email the interaction is
   *  with (C12, sharing.html): it moves to them, and they are shown in its place. */
  function choose(button) {
    var form = button.closest("form");
    var customerId = button.dataset.cdChooseCustomer;
    return htmx.ajax("POST", form.dataset.cdUrl, {
      source: button, target: "#cd-context", swap: "innerHTML", values: { customer_id: customerId },
    }).then(function () {
      var shown = dom.$("#cd-context .cd-context-inner");
      if (!shown || shown.dataset.customerId !== customerId) { return; }  // refused (stale)
      state.selected = customerId;
      state.shown = customerId + ":" + form.dataset.activityId;
      return load().then(focusName);
    });
  }

  /** Reopen a customer into Open; the answer asks for them to be shown (data-cd-select-after). */
  function open(customerId) {
    return htmx.ajax("POST", ContextDesk.http.url("/widget/workspace/open"), {
      target: "#cd-open-list", swap: "innerHTML", values: { customer_id: String(customerId) },
    });
  }

  ContextDesk.lists = {
    open: open, choose: choose,
    reset: reset, showTab: showTab, tabKeys: tabKeys, load: load, arrived: arrived,
    markSelected: markSelected, select: select,
  };
})();
