/* Context Desk: "another agent changed this", with Load (C3).
 *
 * When a record on screen ([data-cd-record], [data-cd-version]) is older than the stored one
 * (a live `changed` event, a save refused as stale, a check after a reconnect), shows the
 * warning naming who and which fields, with Load. Load applies the fields only the other agent
 * changed and, for fields both agents changed, shows the difference with keep-mine /
 * take-theirs, so no typing is lost. live.js feeds it; the words come from live.html.
 */
(function () {
  "use strict";

  var ContextDesk = (window.ContextDesk = window.ContextDesk || {});
  var dom = ContextDesk.dom;
  var PATHS = { customer: "customers", request: "requests", activity: "activities" };

  var state = {
    pending: {},  // "kind:id" -> {version, by}: newer than shown, warning due
    lastBy: {},  // "kind:id" -> {version, by}: who made the newest version we heard of
  };

  /** A live `changed` event: another agent (or window) saved a new version. */
  function changed(event) {
    var key = event.kind + ":" + event.id;
    if (event.by) { state.lastBy[key] = { version: event.version, by: event.by_name || event.by }; }
    warnIfNewer(key, event.version, event.by_name || event.by, null);
  }

  /** A save refused as stale (`cd:stale` from http.js): the warning, with what is stored now. */
  function refused(detail) {
    var key = detail.kind + ":" + detail.id;
    warnIfNewer(key, detail.current.version, author(key, detail.current.version), detail.current);
  }

  /** Show the warning on every copy of the record on screen that is older than `version`. */
  function warnIfNewer(key, version, who, current) {
    var older = dom.recordsOn(key).filter(function (element) {
      return Number(element.dataset.cdVersion) < Number(version);
    });
    if (!older.length) { return; }
    var known = state.pending[key];
    if (!known || known.version < version) {
      state.pending[key] = { version: Number(version), by: who || null };
    }
    older.forEach(function (element) { showWarning(element, key, current); });
  }

  function showWarning(element, key, current) {
    var record = dom.parseKey(key);
    var pending = state.pending[key];
    var warning = dom.ownChild(element, "[data-cd-live-warning]");
    if (!warning) {
      warning = dom.template("cd-live-warning");
      element.insertBefore(warning, element.firstChild);
    }
    warning.querySelector("[data-cd-live-text]").textContent = pending.by
      ? dom.say("changed" + capital(record.kind), { who: pending.by })
      : dom.say("stale" + capital(record.kind));
    var describe = function (now) {
      var names = changedFields(element, now).map(function (field) { return field.label; });
      var line = warning.querySelector("[data-cd-live-fields]");
      line.hidden = !names.length;
      line.textContent = names.length ? dom.say("changedFields", { fields: names.join(", ") }) : "";
      dom.adjustHeight();
    };
    if (current) { describe(current); } else { fetchRecord(key).then(describe, function () {}); }
    dom.adjustHeight();
  }

  function capital(word) { return word.charAt(0).toUpperCase() + word.slice(1); }

  function fieldsOf(element) {
    return dom.$$("[name][data-cd-original]", element).filter(function (input) {
      return input.closest("[data-cd-record]") === element;
    });
  }

  /** An API record's value for a field name; "fields.notes" is current.fields.notes. */
  function valueIn(current, name) {
    var value = current;
    name.split(".").forEach(function (part) {
      value = value !== null && typeof value === "object" && part in value ? value[part] : undefined;
    });
    if (value === undefined) { return undefined; }
    return value === null ? "" : String(value);
  }

  /** The fields whose stored value differs from the one this screen loaded. */
  function changedFields(element, current) {
    return fieldsOf(element).filter(function (input) {
      var theirs = valueIn(current, input.name);
      return theirs !== undefined && theirs !== input.dataset.cdOriginal;
    }).map(function (input) { return { input: input, label: dom.labelOf(input) }; });
  }

  function fetchRecord(key) {
    var record = dom.parseKey(key);
    return ContextDesk.http.fetchJson("/api/v1/" + PATHS[record.kind] + "/" +
                                      encodeURIComponent(record.id));
  }

  /** Who made this version, if an event told us; otherwise the warning names nobody. */
  function author(key, version) {
    var last = state.lastBy[key];
    return last && Number(last.version) === Number(version) ? last.by : null;
  }

  /** After a reconnect: anything on screen older than the stored record gets the warning. */
  function recheck() {
    var keys = {};
    dom.$$("[data-cd-record]").forEach(function (element) { keys[element.dataset.cdRecord] = true; });
    Object.keys(keys).forEach(function (key) {
      fetchRecord(key).then(function (current) {
        warnIfNewer(key, current.version, author(key, current.version), current);
      }, function () { /* gone or offline: the next reconnect checks again */ });
    });
  }

  /** After every render: the warnings still due go on the records drawn again. */
  function rendered() {
    Object.keys(state.pending).forEach(function (key) {
      var pending = state.pending[key];
      warnIfNewer(key, pending.version, pending.by, null);
    });
  }

  /** The record left the screen: no warning is due for it any more. */
  function forget(key) { delete state.pending[key]; }

  // --- Load: the other agent's changes, without losing the agent's own -------------------

  function load(element) {
    var key = element.dataset.cdRecord;
    var button = dom.ownChild(element, "[data-cd-live-load]");
    if (button) { button.disabled = true; }
    return fetchRecord(key).then(function (current) {
      var conflicts = [];
      fieldsOf(element).forEach(function (input) {
        var theirs = valueIn(current, input.name);
        if (theirs === undefined) { return; }
        var original = input.dataset.cdOriginal;
        var mine = input.value;
        if (theirs === original) { return; }  // only this agent changed it (or nobody)
        input.dataset.cdOriginal = theirs;
        if (mine === original) {
          input.value = theirs;  // only the other agent changed it
          input.dispatchEvent(new Event("input", { bubbles: true }));  // counters follow
        } else if (mine !== theirs) {
          conflicts.push({ input: input, mine: mine, theirs: theirs });
        }
      });
      dom.recordsOn(key).forEach(function (copy) { copy.dataset.cdVersion = current.version; });
      delete state.pending[key];
      dom.recordsOn(key).forEach(function (copy) {
        var warning = dom.ownChild(copy, "[data-cd-live-warning]");
        if (warning) { warning.remove(); }
      });
      if (conflicts.length) { showDifference(element, conflicts); }
      dom.emit("cd:loaded", {
        root: document.querySelector("[data-context-desk]"), kind: dom.parseKey(key).kind,
        id: dom.parseKey(key).id, current: current, conflicts: conflicts.length });
      dom.adjustHeight();
    }, function () {
      if (button) { button.disabled = false; }
    });
  }

  function showDifference(element, conflicts) {
    var diff = dom.ownChild(element, "[data-cd-live-diff]");
    if (!diff) {
      diff = dom.template("cd-live-diff");
      element.insertBefore(diff, element.firstChild);
    }
    var rows = diff.querySelector("[data-cd-live-rows]");
    conflicts.forEach(function (conflict) {
      var existing = rows.querySelector('[data-cd-live-row="' + conflict.input.name + '"]');
      if (existing) { existing.remove(); }
      var row = dom.template("cd-live-diff-row");
      row.dataset.cdLiveRow = conflict.input.name;
      row.querySelector("[data-cd-live-field]").textContent = dom.labelOf(conflict.input);
      row.querySelector("[data-cd-live-mine]").textContent = conflict.mine || dom.say("empty");
      row.querySelector("[data-cd-live-theirs]").textContent = conflict.theirs || dom.say("empty");
      row.querySelector("[data-cd-live-keep]").addEventListener("click", function () {
        resolve(diff, row, conflict.input, conflict.mine);
      });
      row.querySelector("[data-cd-live-take]").addEventListener("click", function () {
        resolve(diff, row, conflict.input, conflict.theirs);
      });
      rows.appendChild(row);
    });
  }

  function resolve(diff, row, input, value) {
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    if (value !== input.dataset.cdOriginal) {
      // Keeping one's own value is an edit on the new version: forms that save on change do.
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    row.remove();
    if (!diff.querySelector("[data-cd-live-row]")) { diff.remove(); }
    if (input.isConnected) { input.focus(); }
    dom.adjustHeight();
  }

  /** Load and Later on a warning (one listener on the document, for every record). */
  function click(event) {
    var button = event.target.closest && event.target.closest("[data-cd-live-load], [data-cd-live-dismiss]");
    if (!button) { return; }
    var element = button.closest("[data-cd-record]");
    if (button.hasAttribute("data-cd-live-load")) { load(element); }
    else { button.closest("[data-cd-live-warning]").remove(); dom.adjustHeight(); }
  }

  ContextDesk.stale = {
    changed: changed, refused: refused, recheck: recheck, rendered: rendered, forget: forget,
    load: load, click: click,
  };
})();
