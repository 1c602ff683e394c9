/* Context Desk: nothing an agent typed is lost or lands on the wrong record (C11).
 *
 * Every field of a record on screen ([data-cd-record] with [name][data-cd-original] fields)
 * keeps what the agent typed and has not saved as a draft in sessionStorage, keyed by agent,
 * record and field ("request:12" + "description"). A draft is dropped once the field's saved
 * value (its data-cd-original) says the same. When a record is drawn again (the gadget
 * reloaded, as Finesse does on failover; the agent went to another customer and came back),
 * its drafts are put back into their own fields, visibly, with a notice offering Save and
 * Discard. sessionStorage, not localStorage: the drafts stay with this browser tab and die
 * with it, so on a shared desk the next agent's tab never sees them.
 *
 * Also: `busy()` says whether the agent is typing or has unsaved text in the customer shown
 * (lists.js then announces a new interaction rather than switching under their keystrokes);
 * after Load, or a save refused as stale that Load already overtook, the request's own unsaved
 * text is saved again on the version now on screen (C3), so it neither stays unsaved nor
 * silently lost.
 */
(function () {
  "use strict";

  var ContextDesk = (window.ContextDesk = window.ContextDesk || {});
  var dom = ContextDesk.dom;
  var PREFIX = "context-desk.draft:";
  var MAX_AGE = 24 * 3600 * 1000;  // a draft older than a working day is not offered back
  var RETRIES = 3;  // saves sent again per record after Load; more means constant collisions
  var state = { agent: "", bound: false, retried: {} };

  function store() {
    try { return window.sessionStorage; } catch (ignored) { return null; }  // storage blocked
  }

  /** The agent a session token belongs to (its first part is base64url JSON with `agent`). */
  function agentOf(token) {
    try {
      var part = String(token).split(".")[0].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(window.atob(part)).agent || "";
    } catch (ignored) {
      return "";
    }
  }

  function recordOf(input) { return input.closest && input.closest("[data-cd-record]"); }

  function keyOf(input) {
    var record = recordOf(input);
    return record ? PREFIX + state.agent + ":" + record.dataset.cdRecord + ":" + input.name : null;
  }

  function read(key) {
    var storage = store();
    if (!storage || !key) { return null; }
    try { return JSON.parse(storage.getItem(key)); } catch (ignored) { return null; }
  }

  function write(key, value) {
    var storage = store();
    if (!storage || !key) { return; }
    try {
      if (value === null) { storage.removeItem(key); } else { storage.setItem(key, JSON.stringify(value)); }
    } catch (ignored) { /* full or blocked: the field itself still holds the text */ }
  }

  /** The fields of a record (not those of a record inside it). */
  function fieldsOf(record) {
    return dom.$$("[name][data-cd-original]", record).filter(function (input) {
      return recordOf(input) === record && input.type !== "hidden";
    });
  }

  function dirty(input) { return input.value !== input.dataset.cdOriginal; }

  /** The agent typed: keep the text as a draft until it is saved (or drop it, back to saved). */
  function typed(input) {
    if (!input.hasAttribute("data-cd-original") || !input.name) { return; }
    var key = keyOf(input);
    if (!key) { return; }
    write(key, dirty(input) ? { value: input.value, original: input.dataset.cdOriginal, at: Date.now() } : null);
  }

  // --- Drawn again: drafts back on their own record, with a notice ------------------------

  function rendered() {
    dom.$$("[data-cd-record]").forEach(function (record) {
      var restored = [];
      fieldsOf(record).forEach(function (input) {
        var key = keyOf(input);
        var draft = read(key);
        if (!draft) { return; }
        if (draft.value === input.dataset.cdOriginal || Date.now() - draft.at > MAX_AGE) {
          write(key, null);  // saved meanwhile (or too old to matter)
        } else if (!dirty(input) && input.value !== draft.value) {
          input.value = draft.value;  // a fresh drawing lost it: put it back
          input.dispatchEvent(new Event("input", { bubbles: true }));  // counter, presence
          restored.push(input);
        }
      });
      if (restored.length) { offer(record, restored); }
    });
  }

  function formOf(inputs) { return inputs[0] && inputs[0].form; }

  function offer(record, inputs) {
    var form = formOf(inputs);
    if (form && form.id === "cd-customer-form") {
      form.hidden = false;  // the customer's form shows the text, ready to save (C7)
      ContextDesk.forms.setEditing(true, false, true);
    }
    var old = dom.ownChild(record, "[data-cd-draft-notice]");
    if (old) { old.remove(); }
    var notice = document.createElement("div");
    notice.className = "cd-draft-notice";
    notice.setAttribute("role", "status");
    notice.setAttribute("data-cd-draft-notice", "");
    var text = document.createElement("p");
    text.textContent = ContextDesk.widget.text("draftRestored", {
      fields: inputs.map(dom.labelOf).join(", "),
    });
    var actions = document.createElement("div");
    actions.className = "cd-actions";
    [["draftSave", "cd-button cd-button-primary", save], ["draftDiscard", "cd-button", discard]]
      .forEach(function (spec) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = spec[1];
        button.textContent = ContextDesk.widget.text(spec[0]);
        button.addEventListener("click", function () { spec[2](notice, inputs); });
        actions.appendChild(button);
      });
    notice.appendChild(text);
    notice.appendChild(actions);
    record.insertBefore(notice, record.firstChild);
    dom.adjustHeight();
  }

  function save(notice, inputs) {
    var form = formOf(inputs);
    notice.remove();
    if (form && form.isConnected) { form.requestSubmit(); }
    dom.adjustHeight();
  }

  function discard(notice, inputs) {
    inputs.forEach(function (input) {
      input.value = input.dataset.cdOriginal;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      write(keyOf(input), null);
    });
    var form = formOf(inputs);
    if (form && form.id === "cd-customer-form") { ContextDesk.forms.setEditing(false, true); }
    notice.remove();
    dom.adjustHeight();
  }

  /** The agent chose Discard for everything shown (Close): the drafts go too. */
  function discardIn(scope) {
    dom.$$("[data-cd-record]", scope).forEach(function (record) {
      fieldsOf(record).forEach(function (input) { write(keyOf(input), null); });
    });
  }

  // --- Busy, and saving again after Load (C3, C11) ---------------------------------------

  /** Whether the agent is typing in, or has unsaved text in, the customer shown. */
  function busy() {
    var context = dom.$("#cd-context");
    if (!context) { return false; }
    var active = document.activeElement;
    if (active && context.contains(active) && active.matches("input:not([type=hidden]), textarea") &&
        !active.readOnly) {
      return true;
    }
    return dom.$$("[name][data-cd-original]", context).some(dirty);
  }

  /** The request's unsaved fields, saved on the version on screen now (after Load). */
  function saveAgain(key) {
    if (key.indexOf("request:") !== 0) { return; }  // the customer form waits for Save (C7)
    dom.recordsOn(key).forEach(function (record) {
      var form = dom.$(".cd-request-form", record);
      if (!form || dom.ownChild(record, "[data-cd-live-warning]") ||
          dom.ownChild(record, "[data-cd-live-diff]") || !fieldsOf(record).some(dirty)) {
        return;
      }
      state.retried[key] = (state.retried[key] || 0) + 1;
      if (state.retried[key] > RETRIES) { return; }
      htmx.trigger(form, "submit");
    });
  }

  /** A save refused as stale: if Load already brought the record up to date, save again. */
  function refused(detail) {
    var key = detail.kind + ":" + detail.id;
    window.setTimeout(function () {
      var behind = dom.recordsOn(key).some(function (record) {
        return Number(record.dataset.cdVersion) < Number(detail.current.version);
      });
      if (!behind) { saveAgain(key); }
    }, 0);
  }

  /** A 422 that saved part of a request (one field invalid, C11): move its version on and
   *  mark only the saved fields as saved; the refused one stays unsaved, with its message. */
  function partlySaved(detail) {
    var parsed = new DOMParser().parseFromString(detail.xhr.responseText || "", "text/html");
    parsed.querySelectorAll("[data-cd-saved][data-cd-saved-fields]").forEach(function (marker) {
      var names = marker.dataset.cdSavedFields.split(" ");
      dom.recordsOn(marker.dataset.cdSaved).forEach(function (record) {
        record.dataset.cdVersion = marker.dataset.cdVersion;
        fieldsOf(record).forEach(function (input) {
          if (names.indexOf(input.name) !== -1) {
            input.dataset.cdOriginal = input.value;
            write(keyOf(input), null);
          }
        });
      });
    });
  }

  function bind() {
    if (state.bound) { return; }
    state.bound = true;
    document.addEventListener("input", function (event) {
      if (dom.root() && dom.root().contains(event.target)) { typed(event.target); }
    });
    document.addEventListener("cd:rendered", rendered);
    document.addEventListener("cd:loaded", function (event) {
      var detail = event.detail || {};
      if (detail.kind) { window.setTimeout(function () { saveAgain(detail.kind + ":" + detail.id); }, 0); }
    });
    document.addEventListener("cd:stale", function (event) { refused(event.detail); });
    document.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.xhr && event.detail.xhr.status === 422) { partlySaved(event.detail); }
    });
    document.addEventListener("cd:answered", function (event) {
      // Saved: the fields whose text went out as typed are drafts no more.
      var form = event.detail.source && event.detail.source.closest && event.detail.source.closest("form");
      if (!form) { return; }
      dom.$$("[name][data-cd-original]", form).forEach(function (input) {
        var draft = read(keyOf(input));
        if (draft && draft.value === input.value) { write(keyOf(input), null); }
      });
      var record = recordOf(form);
      if (record) { delete state.retried[record.dataset.cdRecord]; }
    });
  }

  ContextDesk.drafts = {
    start: function (options) {
      // The page passes the session's agent ({id, name}); the gadget only the token.
      var agent = options.agent && (options.agent.id || options.agent);
      state.agent = typeof agent === "string" && agent ? agent : agentOf(options.token);
      bind();
    },
    busy: busy,
    dirty: dirty,
    /** The field went back to its saved value (Cancel, Discard): it is no draft any more. */
    drop: function (input) { write(keyOf(input), null); },
    fieldsOf: fieldsOf,
    discardIn: discardIn,
  };
})();
