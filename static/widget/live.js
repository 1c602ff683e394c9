/* Context Desk: live collaboration in the widget (C3 and presence), the part that ties it up.
 *
 * Opens the live socket (socket.js) once the widget starts, tells the service which records
 * are on screen ([data-cd-record]) and hands each live event to the part that shows it:
 * `changed` and `resync` to the stale warnings (stale.js), `presence` to presence.js, an
 * interaction of this agent's elsewhere to the Open list. After a reconnect it re-checks every
 * version on screen, so a change missed while away still shows the warning; while the socket
 * is down for a while, the agent is told. Every event also goes out as `cd:live` on document.
 * The words come from gadget/templates/widget/live.html, rendered in the agent's language.
 */
(function () {
  "use strict";

  var ContextDesk = (window.ContextDesk = window.ContextDesk || {});
  var dom = ContextDesk.dom;
  var OFFLINE_AFTER = 3000;  // ms without a socket before the agent is told
  var LIST_SETTLE = 1000;  // ms an interaction event waits before checking the Open list

  var state = {
    offlineTimer: null, bound: false,
    watched: {},  // "kind:id" -> true once asked, "acknowledged" once the server confirmed
  };

  // --- The socket's news ---------------------------------------------------------------

  function opened(again) {
    online(true);
    state.watched = {};
    syncWatches();
    if (again) { ContextDesk.stale.recheck(); }  // what changed while away has no event any more
  }

  function online(isOnline) {
    var note = dom.$("[data-cd-live-offline]");
    window.clearTimeout(state.offlineTimer);
    if (isOnline) {
      if (note) { note.hidden = true; }
    } else if (note && note.hidden) {
      state.offlineTimer = window.setTimeout(function () { note.hidden = false; }, OFFLINE_AFTER);
    }
  }

  function received(event) {
    dom.emit("cd:live", event);
    if (event.type === "changed") { ContextDesk.stale.changed(event); }
    else if (event.type === "watching") {
      var key = event.kind + ":" + event.id;
      if (state.watched[key]) { state.watched[key] = "acknowledged"; }
    }
    else if (event.type === "presence") { ContextDesk.presence.received(event); }
    else if (event.type === "resync") { ContextDesk.stale.recheck(); }
    else if (event.type === "interaction" && event.action !== "ended") { refreshOpenList(event); }
  }

  /** Tell the server which records are on screen now (and which are gone). */
  function syncWatches() {
    var send = ContextDesk.socket.send;
    var shown = {};
    dom.$$("[data-cd-record]").forEach(function (element) { shown[element.dataset.cdRecord] = true; });
    Object.keys(shown).forEach(function (key) {
      if (!state.watched[key]) {
        var record = dom.parseKey(key);
        if (send({ type: "watch", kind: record.kind, id: record.id })) { state.watched[key] = true; }
      }
    });
    Object.keys(state.watched).forEach(function (key) {
      if (!shown[key]) {
        var record = dom.parseKey(key);
        send({ type: "unwatch", kind: record.kind, id: record.id });
        delete state.watched[key];
        ContextDesk.stale.forget(key);
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
      var shown = dom.$$("[data-cd-select]", list).filter(function (entry) {
        return event.action === "closed" ? entry.dataset.customerId === event.customer_id
          : entry.dataset.activityId === event.activity_id;
      }).length > 0;
      // A refresh htmx drops for a newer one rejects with no reason: nothing to report.
      if (event.action === "closed" ? shown : !shown) { ContextDesk.widget.refresh().catch(function () {}); }
    }, LIST_SETTLE);
  }

  // --- Wiring ----------------------------------------------------------------------------

  function rendered() {
    syncWatches();
    ContextDesk.stale.rendered();
    ContextDesk.presence.rendered();
  }

  function bind() {
    if (state.bound) { return; }
    state.bound = true;
    document.addEventListener("cd:rendered", rendered);
    document.addEventListener("cd:stale", function (event) { ContextDesk.stale.refused(event.detail); });
    document.addEventListener("input", ContextDesk.presence.typing, true);
    document.addEventListener("click", ContextDesk.stale.click);
  }

  /** Called by the widget's start, once its session (http.js) is set. */
  function start() {
    bind();
    ContextDesk.socket.open({ opened: opened, received: received, lost: function () { online(false); } });
  }

  ContextDesk.live = {
    start: start,
    /** The socket stays on the session it opened with; the next one uses the new token. */
    setToken: function (token) { ContextDesk.http.setToken(token); },
    stop: function () { ContextDesk.socket.close(); },
    load: function (element) { return ContextDesk.stale.load(element); },
    connected: function () { return ContextDesk.socket.connected(); },
    /** Whether the server confirmed that changes of this record ("kind:id") reach us. */
    watching: function (key) { return state.watched[key] === "acknowledged"; },
  };
})();
