/* Context Desk: the Customer Context widget's behaviour on top of its server-rendered markup.
 *
 * The markup and every rule live on the server (gadget/templates/widget, server/widget); the
 * scripts only wire htmx to the service and do what needs the keyboard or a prompt. This one
 * starts the widget (`ContextDesk.widget.start`, called by the gadget's bridge and the
 * standalone page), keeps one "render" per burst of swaps (`cd:rendered`, the gadget's height),
 * shows the banner for a failed request, and hands the root's clicks and keys to the part that
 * handles them. The parts, in load order (server/widget/pages.py SCRIPTS):
 *   dom.js       the DOM helpers they share
 *   http.js      requests to the service: the session, htmx wiring, errors -> events
 *   socket.js    the live socket and its reconnects
 *   widget.js    this file
 *   lists.js     Open / Recent / Search and the customer shown (C9)
 *   forms.js     counters (C4), saved versions, the customer form (C7) and Close (C8)
 *   drafts.js    unsaved text kept per record, put back after a reload; no switch mid-typing (C11)
 *   tags.js      the tag field (C6)
 *   stale.js     "another agent changed this" with Load (C3)
 *   presence.js  who else is on the customer, and who is typing
 *   live.js      live collaboration: watches, and each live event to its part
 * The DOM contract with the live parts is in gadget/CONTRACT.md.
 */
(function () {
  "use strict";

  var ContextDesk = (window.ContextDesk = window.ContextDesk || {});
  var dom = ContextDesk.dom;
  var state = { root: null, onResize: null, messages: {}, bound: false };

  /** A text of the widget's own in the agent's language (`js_messages` in pages.py). */
  function text(name, values) { return dom.format(state.messages[name], values); }

  // --- Rendering bookkeeping -------------------------------------------------------------

  var renderQueued = false;
  function rendered() {
    // Several swaps (main and out-of-band) make one render for live.js and the gadget.
    if (renderQueued) { return; }
    renderQueued = true;
    window.setTimeout(function () {
      renderQueued = false;
      if (!state.root) { return; }
      dom.$$("[data-cd-saved]").forEach(function (marker) { marker.remove(); });
      ContextDesk.forms.updateCounters();
      ContextDesk.lists.markSelected();
      dom.emit("cd:rendered", { root: state.root });
      if (typeof state.onResize === "function") { state.onResize(); }
    }, 0);
  }

  function banner(message) {
    dom.$("#cd-banner-text").textContent = message;
    dom.$("#cd-banner").hidden = false;
    rendered();
  }

  /** A request failed (`cd:failed` from http.js): say so; a record gone refreshes the lists. */
  function failed(event) {
    var detail = event.detail;
    banner(detail.reason === "problem" ? detail.detail : text(detail.reason));
    if (detail.reason === "notFound") { ContextDesk.lists.load(); }
  }

  /**
   * After stale.js loaded another agent's change into the fields, bring what is not a field up
   * to date too: the header's name, the request icon, the tags and comments. Each part comes
   * from the record's own fragment (htmx `select`), so the fields and their marks stay as they are.
   */
  var PARTS = {
    customer: ["/widget/customers/{id}/card", [".cd-customer-name-text", ".cd-customer-meta"]],
    request: ["/widget/requests/{id}", ["#cd-request-icon"]],
    activity: ["/widget/activities/{id}", ["#cd-tag-list", "#cd-comment-list"]],
  };

  function reloadShown(event) {
    var detail = event.detail;
    var part = detail && PARTS[detail.kind];
    var shown = part && dom.$('[data-cd-record="' + detail.kind + ":" + detail.id + '"]');
    if (!shown) { rendered(); return; }
    if (detail.kind === "customer") { ContextDesk.lists.load(); }
    part[1].forEach(function (selector) {
      var target = dom.$(selector, shown);
      if (!target) { return; }
      htmx.ajax("GET", ContextDesk.http.url(dom.format(part[0], { id: encodeURIComponent(detail.id) })),
                { source: target, target: target, swap: "outerHTML", select: selector });
    });
  }

  // --- Parts that keep up by themselves (C13) ---------------------------------------------
  // Each asks for itself again on `cd:refresh` (its hx-trigger). The conditions are here, not
  // in hx-trigger filters: htmx evaluates a filter as code, which a strict CSP refuses.

  function refresh(selector) {
    dom.$$(selector).forEach(function (part) { htmx.trigger(part, "cd:refresh"); });
  }

  /** A live journey event: the journey of that customer and the times of that interaction. */
  function journeyEvent(event) {
    var detail = event.detail || {};
    if (detail.type !== "journey") { return; }
    refresh('#cd-journey-list[data-customer-id="' + detail.customer_id + '"]');
    if (detail.activity_id) { refresh('#cd-activity-times[data-activity-id="' + detail.activity_id + '"]'); }
  }

  /** The agent's own change in the customer shown: the journey, and a request's Open entry. */
  function ownChange(event) {
    var detail = event.detail;
    // A source its own answer replaced (a removed tag's button) counts where the answer went.
    var elt = detail.elt && detail.elt.isConnected ? detail.elt : detail.target;
    if (!detail.successful || detail.requestConfig.verb === "get" || !elt || !elt.closest) { return; }
    if (elt.closest("#cd-context")) { refresh("#cd-journey-list"); }
    var record = elt.closest("[data-cd-record]");
    if (detail.requestConfig.verb === "patch" && record && record.dataset.cdRecord.indexOf("request:") === 0) {
      refresh('.cd-entry-title[data-request-id="' + dom.parseKey(record.dataset.cdRecord).id + '"]');
    }
  }

  /** The journey's next page in place of "Show older"; the focus goes to its first entry. */
  function older(button) {
    var more = button.closest("li");
    var list = more.parentElement;
    var shown = dom.$$(".cd-journey-item", list).length;
    // Once the page is in (it may wait behind a refresh of the journey under way, whose
    // promise htmx resolves at once), or the journey was drawn anew without it.
    var settled = function () {
      if (more.isConnected) { return; }
      list.removeEventListener("htmx:afterSettle", settled);
      var first = dom.$$(".cd-journey-item", list)[shown];
      if (first) { first.tabIndex = -1; first.focus(); }
    };
    list.addEventListener("htmx:afterSettle", settled);
    htmx.ajax("GET", button.dataset.cdUrl, { source: more, target: more, swap: "outerHTML" })
      .catch(function () { /* dropped for a newer refresh of the journey: it is drawn anew */ });
  }

  // --- Events: the document's (once), the root's (once per root) ---------------------------

  function bindDocument() {
    if (state.bound) { return; }
    state.bound = true;
    document.addEventListener("cd:failed", failed);
    document.addEventListener("cd:answered", function (event) {
      if (state.root) { ContextDesk.forms.answered(event.detail); }
    });
    document.addEventListener("htmx:afterSwap", function (event) {
      // However the lists came (refresh, close, reopen), act on what they now hold.
      if (state.root && event.detail.target && event.detail.target.id === "cd-open-list") {
        ContextDesk.lists.arrived();
      }
    });
    document.addEventListener("htmx:afterSettle", rendered);
    document.addEventListener("cd:loaded", reloadShown);
    document.addEventListener("cd:live", journeyEvent);
    document.body.addEventListener("htmx:afterRequest", ownChange);
  }

  function bindRoot(root) {
    var lists = ContextDesk.lists, forms = ContextDesk.forms, tags = ContextDesk.tags;
    root.addEventListener("click", function (event) {
      var target = event.target.closest("button, [role=tab]");
      if (!target || !root.contains(target)) { return; }
      if (target.getAttribute("role") === "tab") { lists.showTab(target); }
      else if (target.hasAttribute("data-cd-select")) {
        lists.select(target.dataset.customerId, target.dataset.activityId, true);
      } else if (target.hasAttribute("data-cd-toggle-form")) { forms.toggleForm(target); }
      else if (target.hasAttribute("data-cd-edit")) { forms.setEditing(true); }
      else if (target.hasAttribute("data-cd-cancel")) { forms.setEditing(false, true); }
      else if (target.hasAttribute("data-cd-close")) { forms.closeCustomer(); }
      else if (target.hasAttribute("data-cd-open-customer")) { lists.open(target.dataset.cdOpenCustomer); }
      else if (target.hasAttribute("data-cd-share")) { forms.share(target); }
      else if (target.hasAttribute("data-cd-remove-tag")) { tags.remove(target); }
      else if (target.hasAttribute("data-cd-choose-customer")) { lists.choose(target); }
      else if (target.hasAttribute("data-cd-older")) { older(target); }
      else if (target.hasAttribute("data-cd-dismiss")) { dom.$("#cd-banner").hidden = true; rendered(); }
    });
    root.addEventListener("keydown", function (event) {
      if (event.target.getAttribute("role") === "tab") { lists.tabKeys(event); }
      else if (event.target.hasAttribute("data-cd-tag-input")) { tags.keys(event); }
    });
    root.addEventListener("focusin", function (event) {
      // A swap's [autofocus] (after Create, Add request) put the focus here: once only, and
      // with the caret after the text, where the agent goes on typing.
      var target = event.target;
      if (!target.hasAttribute("autofocus")) { return; }
      target.removeAttribute("autofocus");
      if (target.matches("input[type=text], textarea")) {
        target.setSelectionRange(target.value.length, target.value.length);
      }
    });
    root.addEventListener("input", function (event) {
      if (event.target.hasAttribute("data-cd-limit")) { forms.updateCounter(event.target); }
      if (event.target.hasAttribute("data-cd-tag-input")) { tags.typed(event.target); }
    });
  }

  // --- What the gadget's bridge and the standalone page call -----------------------------

  function start(options) {
    var root = document.querySelector("[data-context-desk]");
    if (!root) { throw new Error("Context Desk: the widget's markup is not on the page"); }
    state.root = root;
    dom.setRoot(root);
    ContextDesk.http.configure({
      token: options.token,
      publicUrl: options.publicUrl || root.dataset.base,
      locale: options.locale || root.getAttribute("lang") || "en",
    });
    state.onResize = options.onResize || null;
    state.messages = dom.data(".cd-messages");
    ContextDesk.lists.reset();
    ContextDesk.drafts.start({ token: options.token, agent: options.agent });
    bindDocument();
    if (!root.dataset.cdStarted) {
      root.dataset.cdStarted = "1";
      bindRoot(root);
      htmx.process(root);
    }
    if (ContextDesk.live && ContextDesk.live.start) { ContextDesk.live.start(); }
    return ContextDesk.lists.load();
  }

  function setToken(token) {
    ContextDesk.http.setToken(token);  // the live socket's next connection uses it too
  }

  ContextDesk.widget = {
    start: start,
    refresh: function () { return ContextDesk.lists.load(); },
    setToken: setToken,
    /** Put a customer in Open and show them (a customer pushed by another gadget, F5). */
    open: function (customerId) { return ContextDesk.lists.open(customerId); },
    select: function (customerId, activityId, focus) {
      return ContextDesk.lists.select(customerId, activityId, focus);
    },
    // For the widget's parts (lists.js, forms.js, tags.js): one render, the agent's texts.
    rendered: rendered,
    text: text,
  };
})();
