/* Context Desk: the Customer Context widget's behaviour on top of its server-rendered markup.
 *
 * The markup and every rule live on the server (gadget/templates/widget, server/widget); this
 * file only wires htmx to the service (absolute URLs, the bearer token, the agent's language),
 * and does what needs the keyboard or a prompt: tabs, the tag field (Tab/Enter, C6), the
 * characters-left counters (C4), Edit/Save/Cancel (C7) and Close with its prompts (C8).
 * The DOM contract with live.js: [data-cd-record]/[data-cd-version]/[data-cd-original],
 * `cd:rendered` after every render and `cd:stale` for a 409 stale-version.
 */
(function () {
  "use strict";

  var ContextDesk = (window.ContextDesk = window.ContextDesk || {});
  var state = { root: null, token: null, publicUrl: "", locale: "en", onResize: null,
                agent: null, selected: null, shown: null, showing: null, seen: null };
  var messages = {};
  var documentBound = false;
  var timeZone = "";
  try { timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (ignored) {
    timeZone = "";  // the server's default time zone then
  }

  function $(selector, scope) { return (scope || state.root).querySelector(selector); }
  function $$(selector, scope) {
    return Array.prototype.slice.call((scope || state.root).querySelectorAll(selector));
  }
  function url(path) { return /^https?:/.test(path) ? path : state.publicUrl + path; }
  function format(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? values[key] : all;
    });
  }
  function ours(path) {
    return path.indexOf(state.publicUrl + "/") === 0 || path.charAt(0) === "/";
  }

  // --- Rendering bookkeeping -------------------------------------------------------------

  var renderQueued = false;
  function rendered() {
    // Several swaps (main and out-of-band) make one render for live.js and the gadget.
    if (renderQueued) { return; }
    renderQueued = true;
    window.setTimeout(function () {
      renderQueued = false;
      if (!state.root) { return; }
      $$("[data-cd-saved]").forEach(function (marker) { marker.remove(); });
      $$("[data-cd-limit]").forEach(updateCounter);
      markSelected();
      document.dispatchEvent(new CustomEvent("cd:rendered", { detail: { root: state.root } }));
      if (typeof state.onResize === "function") { state.onResize(); }
    }, 0);
  }

  function updateCounter(field) {
    var counter = $('[data-cd-counter-for="' + field.id + '"]');
    if (!counter) { return; }
    var left = Number(field.dataset.cdLimit) - field.value.length;
    counter.textContent = left >= 0 ? format(messages.charsLeft, { count: left })
      : format(messages.charsOver, { count: -left });
    counter.classList.toggle("cd-over", left < 0);
  }

  /** After a save, move the on-screen versions on and make the saved values the originals. */
  function applySaved(responseText, source) {
    var parsed = new DOMParser().parseFromString(responseText || "", "text/html");
    parsed.querySelectorAll("[data-cd-saved]").forEach(function (marker) {
      $$('[data-cd-record="' + marker.dataset.cdSaved + '"]').forEach(function (record) {
        record.dataset.cdVersion = marker.dataset.cdVersion;
      });
    });
    var form = source && source.closest && source.closest("form");
    if (form && form.isConnected) {
      $$("[data-cd-original]", form).forEach(function (input) {
        input.dataset.cdOriginal = input.value;
      });
    }
  }

  function banner(text) {
    var box = $("#cd-banner");
    $("#cd-banner-text").textContent = text;
    box.hidden = false;
    rendered();
  }

  function kindOf(current) {
    if ("medium" in current) { return "activity"; }
    if ("title" in current) { return "request"; }
    return "customer";
  }

  // --- htmx wiring (document-wide, once) -------------------------------------------------

  function bindDocument() {
    if (documentBound) { return; }
    documentBound = true;
    htmx.config.selfRequestsOnly = false;  // the service is another origin inside Finesse
    htmx.config.withCredentials = false;  // no cookies: the bearer token says who is calling
    htmx.config.historyEnabled = false;
    htmx.config.includeIndicatorStyles = false;

    document.addEventListener("htmx:configRequest", function (event) {
      var detail = event.detail;
      if (!state.root || !ours(detail.path)) { return; }
      detail.path = url(detail.path);
      detail.headers.Authorization = "Bearer " + state.token;
      detail.headers["Accept-Language"] = state.locale;
      // Dates in the agent's time zone; a parameter, as CORS lets no custom header through.
      if (timeZone && detail.parameters.tz === undefined) { detail.parameters.tz = timeZone; }
      if (detail.verb === "get") { return; }
      // Every write says which version it was made on: the one on screen now (C3).
      var record = detail.elt.closest && detail.elt.closest("[data-cd-record]");
      if (record && detail.parameters.version === undefined) {
        detail.parameters.version = record.dataset.cdVersion;
      }
      $$("[data-cd-version-of]", detail.elt.closest("form") || detail.elt).forEach(function (input) {
        var shown = $('[data-cd-record="' + input.dataset.cdVersionOf + '"]');
        if (shown) { detail.parameters[input.name] = shown.dataset.cdVersion; }
      });
    });

    document.addEventListener("htmx:beforeSwap", function (event) {
      var detail = event.detail;
      var status = detail.xhr.status;
      if (status < 400) { return; }
      var type = detail.xhr.getResponseHeader("Content-Type") || "";
      if (type.indexOf("html") !== -1 && (status === 422 || status === 409)) {
        // A refused input comes back as markup with the agent's input and the message.
        detail.shouldSwap = true;
        detail.isError = false;
        var target = detail.elt.closest && detail.elt.closest("[data-cd-error-target]");
        if (target) {
          detail.target = $(target.dataset.cdErrorTarget);
          detail.swapOverride = target.dataset.cdErrorSwap || "innerHTML";
        }
        return;
      }
      detail.shouldSwap = false;
      detail.isError = false;
      var problem = {};
      try { problem = JSON.parse(detail.xhr.responseText); } catch (ignored) { /* not JSON */ }
      if (status === 409 && problem.type === "/problems/stale-version" && problem.current) {
        // Not an error for the agent: live.js shows the warning with Load.
        document.dispatchEvent(new CustomEvent("cd:stale", { detail: {
          kind: kindOf(problem.current), id: String(problem.current.id),
          current: problem.current } }));
      } else if (status === 401) {
        banner(messages.sessionEnded);
      } else if (status === 404) {
        banner(messages.notFound);
        loadLists();
      } else if (status === 429) {
        banner(messages.tooMany);
      } else if (status < 500 && problem.detail) {
        banner(problem.detail);
      } else {
        banner(messages.failed);
      }
    });

    document.addEventListener("htmx:afterRequest", function (event) {
      var detail = event.detail;
      if (!state.root || detail.xhr.status >= 300 || detail.xhr.status === 0) { return; }
      applySaved(detail.xhr.responseText, detail.elt);
      var form = detail.elt.closest && detail.elt.closest("[data-cd-reset-on-success]");
      if (form) { form.reset(); }
    });

    document.addEventListener("htmx:sendError", function () { banner(messages.network); });
    document.addEventListener("htmx:afterSwap", function (event) {
      // However the lists came (refresh, close, reopen), act on what they now hold.
      if (state.root && event.detail.target && event.detail.target.id === "cd-open-list") {
        afterLists();
      }
    });
    document.addEventListener("htmx:afterSettle", rendered);
    document.addEventListener("cd:loaded", function (event) { reloadShown(event.detail); });
  }

  // --- The widget root's own events ------------------------------------------------------

  function bindRoot(root) {
    root.addEventListener("click", function (event) {
      var target = event.target.closest("button, [role=tab]");
      if (!target || !root.contains(target)) { return; }
      if (target.getAttribute("role") === "tab") { showTab(target); }
      else if (target.hasAttribute("data-cd-select")) {
        select(target.dataset.customerId, target.dataset.activityId, true);
      } else if (target.hasAttribute("data-cd-toggle-form")) { toggleForm(target); }
      else if (target.hasAttribute("data-cd-edit")) { setEditing(true); }
      else if (target.hasAttribute("data-cd-cancel")) { setEditing(false, true); }
      else if (target.hasAttribute("data-cd-close")) { closeCustomer(); }
      else if (target.hasAttribute("data-cd-dismiss")) { $("#cd-banner").hidden = true; rendered(); }
    });
    root.addEventListener("keydown", function (event) {
      if (event.target.getAttribute("role") === "tab") { tabKeys(event); }
      else if (event.target.hasAttribute("data-cd-tag-input")) { tagKeys(event); }
    });
    root.addEventListener("input", function (event) {
      if (event.target.hasAttribute("data-cd-limit")) { updateCounter(event.target); }
      if (event.target.hasAttribute("data-cd-tag-input")) { event.target.dataset.cdRefused = ""; }
    });
  }

  /**
   * After live.js loaded another agent's change into the fields, bring what is not a field up
   * to date too: the header's name, the request icon, the tags and comments. Each part comes
   * from the record's own fragment (htmx `select`), so the fields and their marks stay as they are.
   */
  var PARTS = {
    customer: ["/widget/customers/{id}/card", [".cd-customer-name-text", ".cd-customer-meta"]],
    request: ["/widget/requests/{id}", ["#cd-request-icon"]],
    activity: ["/widget/activities/{id}", ["#cd-tag-list", "#cd-comment-list"]],
  };

  function reloadShown(detail) {
    var part = detail && PARTS[detail.kind];
    var shown = part && $('[data-cd-record="' + detail.kind + ":" + detail.id + '"]');
    if (!shown) { rendered(); return; }
    if (detail.kind === "customer") { loadLists(); }
    part[1].forEach(function (selector) {
      var target = $(selector, shown);
      if (!target) { return; }
      htmx.ajax("GET", url(format(part[0], { id: encodeURIComponent(detail.id) })),
                { source: target, target: target, swap: "outerHTML", select: selector });
    });
  }

  // --- Open / Recent / Search (C9) -------------------------------------------------------

  function showTab(tab) {
    $$("[role=tab]").forEach(function (other) {
      var chosen = other === tab;
      other.setAttribute("aria-selected", chosen ? "true" : "false");
      other.tabIndex = chosen ? 0 : -1;
      $("#" + other.getAttribute("aria-controls")).hidden = !chosen;
    });
    rendered();
  }

  function tabKeys(event) {
    var tabs = $$("[role=tab]");
    var index = tabs.indexOf(event.target);
    var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (next === undefined) { return; }
    event.preventDefault();
    var tab = tabs[(next + tabs.length) % tabs.length];
    tab.focus();
    showTab(tab);
  }

  function loadLists() {
    if (!state.root) { return Promise.resolve(); }
    return htmx.ajax("GET", url("/widget/workspace"), { target: "#cd-open-list", swap: "innerHTML" });
  }

  /** Show the customer a reopen asked for, or a customer whose interaction is new in Open. */
  function afterLists() {
    var list = $("#cd-open-list");
    list.removeAttribute("aria-busy");
    var entries = $$("[data-cd-select]", list);
    var ask = $("[data-cd-select-after]", list);
    var firstLoad = state.seen === null;
    var seen = state.seen || {};
    state.seen = {};
    entries.forEach(function (entry) { state.seen[entry.dataset.activityId] = true; });
    var fresh = entries.filter(function (entry) { return !seen[entry.dataset.activityId]; });
    var stillOpen = entries.some(function (entry) {
      return entry.dataset.customerId === state.selected;
    });
    if (ask) {
      showTab($("#cd-tab-open"));
      var chosen = entries.filter(function (entry) {
        return entry.dataset.customerId === ask.dataset.cdSelectAfter;
      })[0];
      select(ask.dataset.cdSelectAfter, chosen ? chosen.dataset.activityId : "", true);
    } else if (fresh.length && (!firstLoad || !state.selected)) {
      select(fresh[0].dataset.customerId, fresh[0].dataset.activityId, false);
    } else if (state.selected && !stillOpen) {
      clearContext();
    }
    rendered();
  }

  function markSelected() {
    $$("#cd-open-list [data-cd-select]").forEach(function (entry) {
      if (entry.dataset.customerId === state.selected) { entry.setAttribute("aria-current", "true"); }
      else { entry.removeAttribute("aria-current"); }
    });
  }

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
    state.showing = htmx.ajax("GET", url(path), { target: "#cd-context", swap: "innerHTML" });
    return state.showing.then(function () { if (focus) { focusName(); } });
  }

  function focusName() {
    var name = $(".cd-customer-name");
    if (name) { name.focus(); }
  }

  function clearContext() {
    state.selected = null;
    state.shown = null;
    var empty = $("#cd-context-empty");
    $("#cd-context").innerHTML = empty ? empty.innerHTML : "";
    rendered();
  }

  // --- The customer form (C7) ------------------------------------------------------------

  function toggleForm(button) {
    var form = $("#cd-customer-form");
    var open = form.hidden;
    form.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      var first = form.dataset.editing === "true" ? $("input:not([type=hidden])", form)
        : $("[data-cd-edit]", form);
      if (first) { first.focus(); }
    }
    rendered();
  }

  function setEditing(editing, revert) {
    var form = $("#cd-customer-form");
    if (!form) { return; }
    if (revert) {
      $$("[data-cd-original]", form).forEach(function (input) {
        input.value = input.dataset.cdOriginal;
      });
    }
    form.dataset.editing = editing ? "true" : "false";
    $("fieldset", form).disabled = !editing;
    $("[data-cd-edit]", form).hidden = editing;
    $("[data-cd-save]", form).hidden = !editing;
    $("[data-cd-cancel]", form).hidden = !editing;
    (editing ? $("input:not([type=hidden])", form) : $("[data-cd-edit]", form)).focus();
    rendered();
  }

  function dirty(form) {
    return $$("[data-cd-original]", form).some(function (input) {
      return input.value !== input.dataset.cdOriginal;
    });
  }

  /** Send the customer form; true when the customer exists and holds what the agent typed. */
  function submitCustomer(form) {
    var verb = form.getAttribute("hx-post") ? "POST" : "PATCH";
    var path = form.getAttribute("hx-post") || form.getAttribute("hx-patch");
    return htmx.ajax(verb, path, { source: form, target: "#cd-customer", swap: "outerHTML" })
      .then(function () {
        var card = $("#cd-customer");
        var saved = card && card.dataset.known === "true" &&
          !$('[aria-invalid="true"]', card) && !dirty($("#cd-customer-form"));
        if (!saved && card) {
          $("#cd-customer-form").hidden = false;
          var invalid = $('[aria-invalid="true"]', card);
          if (invalid) { invalid.focus(); }
        }
        return saved;
      });
  }

  // --- Close (C8) ------------------------------------------------------------------------

  /**
   * Ask with a modal prompt, placed at the button that asked. Inside Finesse the gadget's
   * frame is as tall as its content, so a prompt centred in the frame could be far off screen.
   */
  function ask(dialogId, anchor) {
    var dialog = $("#" + dialogId);
    return new Promise(function (resolve) {
      function choose(event) {
        var button = event.target.closest("button[value]");
        if (!button) { return; }
        finish(button.value);
      }
      function cancel(event) { event.preventDefault(); finish("cancel"); }
      function finish(value) {
        dialog.removeEventListener("click", choose);
        dialog.removeEventListener("cancel", cancel);
        dialog.close();
        resolve(value);
      }
      dialog.addEventListener("click", choose);
      dialog.addEventListener("cancel", cancel);
      dialog.showModal();
      var top = Math.max(8, anchor.getBoundingClientRect().top);
      dialog.style.top = Math.min(top, Math.max(8, window.innerHeight - dialog.offsetHeight - 8)) + "px";
      $("button[value]", dialog).focus();
    });
  }

  function closeCustomer() {
    var card = $("#cd-customer");
    var form = $("#cd-customer-form");
    var customerId = card.dataset.cdRecord.split(":")[1];
    var closeButton = $("[data-cd-close]", card);
    var ready;
    if (card.dataset.known !== "true") {
      ready = ask("cd-dialog-unknown", closeButton).then(function (choice) {
        if (choice !== "create") { return choice === "discard"; }
        return submitCustomer(form);
      });
    } else if (dirty(form)) {
      ready = ask("cd-dialog-unsaved", closeButton).then(function (choice) {
        if (choice === "discard") { setEditing(false, true); return true; }
        return choice === "save" ? submitCustomer(form) : false;
      });
    } else {
      ready = Promise.resolve(true);
    }
    return ready.then(function (go) {
      if (!go) {
        if (closeButton.isConnected) { closeButton.focus(); }
        return;
      }
      return htmx.ajax("POST", url("/widget/workspace/close"), {
        target: "#cd-open-list", swap: "innerHTML", values: { customer_id: customerId },
      }).then(function () {
        $("#cd-tab-open").focus();
      });
    });
  }

  // --- Tags (C6) -------------------------------------------------------------------------

  function tagKeys(event) {
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
      var fresh = $("#cd-tag-input");
      if (!fresh) { return; }
      if ($("#cd-tag-error").textContent.trim()) {
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

  // --- What the gadget's bridge and the standalone page call -----------------------------

  function start(options) {
    var root = document.querySelector("[data-context-desk]");
    if (!root) { throw new Error("Context Desk: the widget's markup is not on the page"); }
    state.root = root;
    state.token = options.token;
    state.publicUrl = String(options.publicUrl || root.dataset.base).replace(/\/+$/, "");
    state.locale = options.locale || root.getAttribute("lang") || "en";
    state.onResize = options.onResize || null;
    state.agent = options.agent || null;
    state.selected = null;
    state.shown = null;
    state.seen = null;
    messages = JSON.parse($(".cd-messages").textContent);
    bindDocument();
    if (!root.dataset.cdStarted) {
      root.dataset.cdStarted = "1";
      bindRoot(root);
      htmx.process(root);
    }
    if (ContextDesk.live && ContextDesk.live.start) {
      ContextDesk.live.start({ publicUrl: state.publicUrl, token: state.token,
                               locale: state.locale, agent: state.agent });
    }
    return loadLists();
  }

  function setToken(token) {
    state.token = token;
    if (ContextDesk.live && ContextDesk.live.setToken) { ContextDesk.live.setToken(token); }
  }

  ContextDesk.widget = {
    start: start,
    refresh: loadLists,
    setToken: setToken,
    select: select,
  };
})();
