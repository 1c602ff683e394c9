/* Context Desk: live collaboration in the widget (C3 and presence).
 *
 * Keeps one WebSocket to PUBLIC_URL/ws, reconnecting with back-off; watches the records on
 * screen ([data-cd-record]); when another agent changes one, shows a warning naming who and
 * what, with Load. Load applies the fields only the other agent changed and, for fields both
 * agents changed, shows the difference with keep-mine / take-theirs, so no typing is lost.
 * After a reconnect it re-checks every version on screen, so a change missed while away still
 * shows the warning. It also shows who else has the customer on screen, and who is typing.
 * The words come from gadget/templates/widget/live.html, rendered in the agent's language.
 */
(function () {
  "use strict";

  var ContextDesk = (window.ContextDesk = window.ContextDesk || {});
  var PATHS = { customer: "customers", request: "requests", activity: "activities" };
  var RETRY_FIRST = 500, RETRY_MAX = 30000;  // ms; doubled after each failed attempt
  var OFFLINE_AFTER = 3000;  // ms without a socket before the agent is told
  var TYPING_EVERY = 1000;  // ms between two "typing" messages
  var LIST_SETTLE = 1000;  // ms an interaction event waits before checking the Open list

  var state = {
    publicUrl: "", token: null, socket: null, stopped: true, retry: RETRY_FIRST,
    retryTimer: null, offlineTimer: null, connectedOnce: false,
    watched: {},  // "kind:id" -> true once asked, "acknowledged" once the server confirmed
    pending: {},  // "kind:id" -> {version, by}: newer than shown, warning due
    lastBy: {},  // "kind:id" -> {version, by}: who made the newest version we heard of
    presence: {},  // customer id -> the latest presence event
    lastTyping: 0, bound: false,
  };

  function $$(selector, scope) {
    return Array.prototype.slice.call((scope || document).querySelectorAll(selector));
  }
  function words() { return document.querySelector("[data-cd-live]"); }
  function say(name, values) {
    var holder = words();
    var text = (holder && holder.dataset[name]) || "";
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      return values && key in values ? values[key] : all;
    });
  }
  function template(id) {
    var node = document.getElementById(id);
    return node.content.firstElementChild.cloneNode(true);
  }
  function recordsOn(key) { return $$('[data-cd-record="' + key + '"]'); }
  function parseKey(key) {
    var at = key.indexOf(":");
    return { kind: key.slice(0, at), id: key.slice(at + 1) };
  }

  // --- The socket ----------------------------------------------------------------------

  function send(message) {
    if (state.socket && state.socket.readyState === 1) {
      state.socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  function connect() {
    if (state.stopped || !state.token) { return; }
    var url = state.publicUrl.replace(/^http/, "ws") + "/ws?token=" +
      encodeURIComponent(state.token);
    var socket;
    try { socket = new WebSocket(url); } catch (error) { return reconnectLater(); }
    state.socket = socket;
    socket.onopen = function () {
      var again = state.connectedOnce;
      state.connectedOnce = true;
      state.retry = RETRY_FIRST;
      online(true);
      state.watched = {};
      syncWatches();
      if (again) { recheck(); }  // what changed while away has no event any more
    };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (ignored) { return; }
      receive(event);
    };
    socket.onclose = function () {
      if (state.socket !== socket) { return; }
      state.socket = null;
      reconnectLater();
    };
  }

  function reconnectLater() {
    if (state.stopped) { return; }
    online(false);
    window.clearTimeout(state.retryTimer);
    // Jitter, so that a restarted server is not hit by every browser at the same instant.
    var wait = state.retry * (0.75 + Math.random() * 0.5);
    state.retry = Math.min(state.retry * 2, RETRY_MAX);
    state.retryTimer = window.setTimeout(connect, wait);
  }

  function online(isOnline) {
    var note = document.querySelector("[data-cd-live-offline]");
    window.clearTimeout(state.offlineTimer);
    if (isOnline) {
      if (note) { note.hidden = true; }
    } else if (note && note.hidden) {
      state.offlineTimer = window.setTimeout(function () { note.hidden = false; }, OFFLINE_AFTER);
    }
  }

  function receive(event) {
    document.dispatchEvent(new CustomEvent("cd:live", { detail: event }));
    if (event.type === "changed") { changed(event); }
    else if (event.type === "watching") {
      var key = event.kind + ":" + event.id;
      if (state.watched[key]) { state.watched[key] = "acknowledged"; }
    }
    else if (event.type === "presence") { presence(event); }
    else if (event.type === "resync") { recheck(); }
    else if (event.type === "interaction" && event.action !== "ended") { refreshOpenList(event); }
  }

  /** Tell the server which records are on screen now (and which are gone). */
  function syncWatches() {
    var shown = {};
    $$("[data-cd-record]").forEach(function (element) { shown[element.dataset.cdRecord] = true; });
    Object.keys(shown).forEach(function (key) {
      if (!state.watched[key]) {
        var record = parseKey(key);
        if (send({ type: "watch", kind: record.kind, id: record.id })) { state.watched[key] = true; }
      }
    });
    Object.keys(state.watched).forEach(function (key) {
      if (!shown[key]) {
        var record = parseKey(key);
        send({ type: "unwatch", kind: record.kind, id: record.id });
        delete state.watched[key];
        delete state.pending[key];
      }
    });
  }

  /** Reload the Open list when it does not show what an interaction event says (another
   *  window or desktop of the same agent changed it). The widget's own actions already show
   *  their result, so the check waits for those to settle rather than racing them. */
  function refreshOpenList(event) {
    window.setTimeout(function () {
      if (document.querySelector(".htmx-request")) { return refreshOpenList(event); }
      var list = document.getElementById("cd-open-list");
      if (!list || !ContextDesk.widget || !ContextDesk.widget.refresh) { return; }
      var shown = $$("[data-cd-select]", list).filter(function (entry) {
        return event.action === "closed" ? entry.dataset.customerId === event.customer_id
          : entry.dataset.activityId === event.activity_id;
      }).length > 0;
      if (event.action === "closed" ? shown : !shown) { ContextDesk.widget.refresh(); }
    }, LIST_SETTLE);
  }

  // --- Warnings --------------------------------------------------------------------------

  function changed(event) {
    var key = event.kind + ":" + event.id;
    if (event.by) { state.lastBy[key] = { version: event.version, by: event.by_name || event.by }; }
    warnIfNewer(key, event.version, event.by_name || event.by, null);
  }

  /** Show the warning on every copy of the record on screen that is older than `version`. */
  function warnIfNewer(key, version, who, current) {
    var older = recordsOn(key).filter(function (element) {
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
    var record = parseKey(key);
    var pending = state.pending[key];
    var warning = ownChild(element, "[data-cd-live-warning]");
    if (!warning) {
      warning = template("cd-live-warning");
      element.insertBefore(warning, element.firstChild);
    }
    warning.querySelector("[data-cd-live-text]").textContent = pending.by
      ? say("changed" + capital(record.kind), { who: pending.by })
      : say("stale" + capital(record.kind));
    var describe = function (now) {
      var names = changedFields(element, now).map(function (field) { return field.label; });
      var line = warning.querySelector("[data-cd-live-fields]");
      line.hidden = !names.length;
      line.textContent = names.length ? say("changedFields", { fields: names.join(", ") }) : "";
      notifyResize();
    };
    if (current) { describe(current); } else { fetchRecord(key).then(describe, function () {}); }
    notifyResize();
  }

  function capital(word) { return word.charAt(0).toUpperCase() + word.slice(1); }

  /** The element's own descendant (not one inside a nested record). */
  function ownChild(element, selector) {
    return $$(selector, element).filter(function (child) {
      return child.parentElement.closest("[data-cd-record]") === element;
    })[0] || null;
  }

  function fieldsOf(element) {
    return $$("[name][data-cd-original]", element).filter(function (input) {
      return input.closest("[data-cd-record]") === element;
    });
  }

  function labelOf(input) {
    var label = input.id && document.querySelector('label[for="' + input.id + '"]');
    return label ? label.textContent.trim() : input.name;
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
    }).map(function (input) { return { input: input, label: labelOf(input) }; });
  }

  function fetchRecord(key) {
    var record = parseKey(key);
    return fetch(state.publicUrl + "/api/v1/" + PATHS[record.kind] + "/" +
                 encodeURIComponent(record.id), {
      headers: { Authorization: "Bearer " + state.token, Accept: "application/json" },
      credentials: "omit",
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    });
  }

  /** Who made this version, if an event told us; otherwise the warning names nobody. */
  function author(key, version) {
    var last = state.lastBy[key];
    return last && Number(last.version) === Number(version) ? last.by : null;
  }

  /** After a reconnect: anything on screen older than the stored record gets the warning. */
  function recheck() {
    var keys = {};
    $$("[data-cd-record]").forEach(function (element) { keys[element.dataset.cdRecord] = true; });
    Object.keys(keys).forEach(function (key) {
      fetchRecord(key).then(function (current) {
        warnIfNewer(key, current.version, author(key, current.version), current);
      }, function () { /* gone or offline: the next reconnect checks again */ });
    });
  }

  // --- Load: the other agent's changes, without losing the agent's own -------------------

  function load(element) {
    var key = element.dataset.cdRecord;
    var button = ownChild(element, "[data-cd-live-load]");
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
      recordsOn(key).forEach(function (copy) { copy.dataset.cdVersion = current.version; });
      delete state.pending[key];
      recordsOn(key).forEach(function (copy) {
        var warning = ownChild(copy, "[data-cd-live-warning]");
        if (warning) { warning.remove(); }
      });
      if (conflicts.length) { showDifference(element, conflicts); }
      document.dispatchEvent(new CustomEvent("cd:loaded", { detail: {
        root: document.querySelector("[data-context-desk]"), kind: parseKey(key).kind,
        id: parseKey(key).id, current: current, conflicts: conflicts.length } }));
      notifyResize();
    }, function () {
      if (button) { button.disabled = false; }
    });
  }

  function showDifference(element, conflicts) {
    var diff = ownChild(element, "[data-cd-live-diff]");
    if (!diff) {
      diff = template("cd-live-diff");
      element.insertBefore(diff, element.firstChild);
    }
    var rows = diff.querySelector("[data-cd-live-rows]");
    conflicts.forEach(function (conflict) {
      var existing = rows.querySelector('[data-cd-live-row="' + conflict.input.name + '"]');
      if (existing) { existing.remove(); }
      var row = template("cd-live-diff-row");
      row.dataset.cdLiveRow = conflict.input.name;
      row.querySelector("[data-cd-live-field]").textContent = labelOf(conflict.input);
      row.querySelector("[data-cd-live-mine]").textContent = conflict.mine || say("empty");
      row.querySelector("[data-cd-live-theirs]").textContent = conflict.theirs || say("empty");
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
    notifyResize();
  }

  // --- Presence --------------------------------------------------------------------------

  function presence(event) {
    event.agents.forEach(function (agent) {
      if (agent.editing) { agent.editingUntil = Date.now() + agent.editing.editing_for * 1000; }
    });
    state.presence[event.id] = event;
    showPresence(event.id);
  }

  function showPresence(customerId) {
    var event = state.presence[customerId];
    if (!event) { return; }
    recordsOn("customer:" + customerId).forEach(function (card) {
      var place = ownChild(card, "[data-cd-presence]");
      if (!place) { return; }
      place.textContent = "";
      if (!event.agents.length) { notifyResize(); return; }
      var line = document.createElement("p");
      line.className = "cd-live-here";
      var intro = document.createElement("span");
      intro.textContent = say("here");
      line.appendChild(intro);
      event.agents.forEach(function (agent) {
        var person = document.createElement("span");
        person.className = "cd-live-person";
        person.dataset.agent = agent.id;
        person.textContent = agent.name || agent.id;
        if (agent.editing) {
          person.dataset.editing = agent.editing.field;
          person.textContent += " · " + say("editing", { field: fieldLabel(agent.editing) });
          // The mark fades by itself unless the colleague goes on typing.
          window.setTimeout(function () { fade(customerId, agent.id); },
                            Math.max(0, agent.editingUntil - Date.now()) + 50);
        }
        line.appendChild(person);
      });
      place.appendChild(line);
    });
    notifyResize();
  }

  function fade(customerId, agentId) {
    var event = state.presence[customerId];
    if (!event) { return; }
    event.agents.forEach(function (agent) {
      if (agent.id === agentId && agent.editing && Date.now() >= agent.editingUntil) {
        agent.editing = null;
      }
    });
    showPresence(customerId);
  }

  function fieldLabel(editing) {
    var record = document.querySelector('[data-cd-record="' + editing.kind + ":" + editing.id + '"]');
    var input = record && $$("[name]", record).filter(function (candidate) {
      return candidate.name === editing.field;
    })[0];
    return input ? labelOf(input) : editing.field;
  }

  function typing(event) {
    var input = event.target;
    if (!event.isTrusted || !input.name || !input.hasAttribute || !input.hasAttribute("data-cd-original")) { return; }
    var element = input.closest("[data-cd-record]");
    if (!element || Date.now() - state.lastTyping < TYPING_EVERY) { return; }
    state.lastTyping = Date.now();
    var record = parseKey(element.dataset.cdRecord);
    send({ type: "typing", kind: record.kind, id: record.id, field: input.name });
  }

  // --- Wiring ----------------------------------------------------------------------------

  function notifyResize() {
    // Inside Finesse the gadget's frame must grow with a warning (the bridge's onResize does
    // the same after the widget's own renders).
    var gadgets = window.gadgets;
    if (gadgets && gadgets.window && gadgets.window.adjustHeight) { gadgets.window.adjustHeight(); }
  }

  function rendered() {
    syncWatches();
    Object.keys(state.pending).forEach(function (key) {
      var pending = state.pending[key];
      warnIfNewer(key, pending.version, pending.by, null);
    });
    Object.keys(state.presence).forEach(showPresence);
  }

  function bind() {
    if (state.bound) { return; }
    state.bound = true;
    document.addEventListener("cd:rendered", rendered);
    document.addEventListener("cd:stale", function (event) {
      var detail = event.detail;
      var key = detail.kind + ":" + detail.id;
      warnIfNewer(key, detail.current.version, author(key, detail.current.version),
                  detail.current);
    });
    document.addEventListener("input", typing, true);
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("[data-cd-live-load], [data-cd-live-dismiss]");
      if (!button) { return; }
      var element = button.closest("[data-cd-record]");
      if (button.hasAttribute("data-cd-live-load")) { load(element); }
      else { button.closest("[data-cd-live-warning]").remove(); notifyResize(); }
    });
  }

  function start(options) {
    state.publicUrl = String(options.publicUrl || "").replace(/\/+$/, "");
    state.token = options.token;
    state.stopped = false;
    bind();
    if (!state.socket) { connect(); }
  }

  function setToken(token) {
    // The socket stays on the session it opened with; the next one uses the new token.
    state.token = token;
  }

  function stop() {
    state.stopped = true;
    window.clearTimeout(state.retryTimer);
    if (state.socket) { var socket = state.socket; state.socket = null; socket.close(); }
  }

  ContextDesk.live = {
    start: start,
    setToken: setToken,
    stop: stop,
    load: load,
    connected: function () { return !!state.socket && state.socket.readyState === 1; },
    /** Whether the server confirmed that changes of this record ("kind:id") reach us. */
    watching: function (key) { return state.watched[key] === "acknowledged"; },
  };
})();
