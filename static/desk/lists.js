/* The Care Desktop's Queue and Active tasks (D2, D3): reloaded from the server on every
 * `queue` event, waiting times ticking, a queued task previewed read-only, Accept. */
(function () {
  "use strict";

  var ContextDesk = (window.ContextDesk = window.ContextDesk || {});
  var desk = (ContextDesk.desk = ContextDesk.desk || {});
  var holder = document.getElementById("desk-lists");
  var preview = document.getElementById("desk-preview");
  var state = { loading: null, again: false, offset: 0, previewing: null, ticker: null };

  /** "m:ss" or "h:mm:ss" for a number of seconds. */
  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = h ? (m < 10 ? "0" : "") + m : String(m);
    return (h ? h + ":" : "") + mm + ":" + (s < 10 ? "0" : "") + s;
  }
  desk.clock = clock;

  /** The service's "now", from the browser's clock corrected by the offset seen on load. */
  desk.serverNow = function () { return Date.now() + state.offset; };

  function tick() {
    var now = desk.serverNow();
    Array.prototype.forEach.call(document.querySelectorAll("[data-desk-since]"), function (time) {
      var text = clock((now - Date.parse(time.dataset.deskSince)) / 1000);
      time.textContent = time.closest("#desk-queue") ? desk.format(desk.messages.waited, { time: text }) : text;
    });
  }

  function load() {
    if (!desk.session) { return Promise.resolve(); }
    if (state.loading) { state.again = true; return state.loading; }
    state.loading = desk.html("/desk/lists").then(function (html) {
      var focused = document.activeElement;
      var focusId = focused && holder.contains(focused) && focused.closest("[data-task-id]")
        ? focused.closest("[data-task-id]").dataset.taskId : null;
      holder.innerHTML = html;
      holder.removeAttribute("aria-busy");
      var queue = document.getElementById("desk-queue");
      if (queue && queue.dataset.now) { state.offset = Date.parse(queue.dataset.now) - Date.now(); }
      tick();
      if (!state.ticker) { state.ticker = window.setInterval(tick, 1000); }
      mark();
      if (focusId) {
        var again = holder.querySelector('[data-task-id="' + focusId + '"] button');
        if (again) { again.focus(); }
      }
      var pending = document.getElementById("desk-pending-offer");
      if (pending) { desk.offer.restore(pending.dataset); }
      var active = holder.querySelectorAll("[data-desk-active]");
      if (active.length && !desk.pane.shown()) { showActive(active[0]); }
      if (!active.length && desk.pane.shown() && desk.pane.status() === "active") { desk.pane.reload(); }
    }, desk.problem).then(function () {
      state.loading = null;
      if (state.again) { state.again = false; return load(); }
    });
    return state.loading;
  }

  function mark() {
    Array.prototype.forEach.call(holder.querySelectorAll(".desk-task-button"), function (button) {
      var id = button.dataset.deskQueued || button.dataset.deskActive;
      var selected = id === state.previewing || (button.dataset.deskActive && id === desk.pane.shown());
      button.setAttribute("aria-pressed", selected ? "true" : "false");
    });
  }

  // --- Preview (D2) ----------------------------------------------------------------------

  function showPreview(taskId) {
    state.previewing = taskId;
    mark();
    return desk.html("/desk/tasks/" + encodeURIComponent(taskId) + "/preview").then(function (html) {
      document.getElementById("desk-preview-body").innerHTML = html;
      preview.hidden = false;
      state.entry = null;
      // Each entry can be reached with Tab, and then with the arrow keys.
      entries().forEach(function (item) { item.tabIndex = 0; });
    }, function (error) {
      state.previewing = null;
      desk.problem(error);
    });
  }

  // A journey entry's details (D2): on selecting it (click, Enter, arrow keys) or pointing at it.

  function entries() {
    return Array.prototype.slice.call(preview.querySelectorAll(".desk-preview-journey [data-cd-change]"));
  }

  function showEntry(item) {
    var changeId = item.dataset.cdChange;
    entries().forEach(function (other) {
      if (other === item) { other.setAttribute("aria-current", "true"); } else { other.removeAttribute("aria-current"); }
    });
    if (state.entry === changeId) { return; }
    state.entry = changeId;
    var taskId = state.previewing;
    desk.html("/desk/tasks/" + encodeURIComponent(taskId) + "/journey/" + encodeURIComponent(changeId))
      .then(function (html) {
        if (state.entry !== changeId || state.previewing !== taskId) { return; }
        document.getElementById("desk-preview-entry-body").innerHTML = html;
        document.getElementById("desk-preview-entry").hidden = false;
      }, function (error) { state.entry = null; desk.problem(error); });
  }

  function entryOf(event) {
    return event.target.closest && event.target.closest(".desk-preview-journey [data-cd-change]");
  }

  preview.addEventListener("focusin", function (event) { var item = entryOf(event); if (item) { showEntry(item); } });
  preview.addEventListener("mouseover", function (event) {
    var item = entryOf(event);
    window.clearTimeout(state.hover);
    // A short pause, so sweeping the pointer across the list does not load every entry.
    if (item) { state.hover = window.setTimeout(function () { showEntry(item); }, 200); }
  });
  preview.addEventListener("keydown", function (event) {
    var item = entryOf(event);
    if (!item || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) { return; }
    var list = entries();
    var next = list[list.indexOf(item) + (event.key === "ArrowDown" ? 1 : -1)];
    if (next) { event.preventDefault(); next.focus(); }
  });

  function closePreview() {
    state.previewing = null;
    preview.hidden = true;
    document.getElementById("desk-preview-body").innerHTML = "";
    mark();
  }

  // --- Accept (D3, D4) -------------------------------------------------------------------

  /** Accept a queued task (offer number null) or the offer made to this agent. */
  function accept(taskId, offerNumber) {
    desk.notice("");
    var body = offerNumber === null || offerNumber === undefined ? {} : { offer: Number(offerNumber) };
    return desk.api("POST", "/tasks/" + encodeURIComponent(taskId) + "/accept", body)
      .then(function (accepted) {
        closePreview();
        desk.pane.show(taskId);
        load();
        var activity = accepted.activity || {};
        return ContextDesk.widget.refresh().then(function () {
          return ContextDesk.widget.select(String(activity.customer_id), String(activity.id), false);
        });
      }, function (error) {
        desk.problem(error);
        load();
        throw error;
      });
  }

  function showActive(button) {
    desk.pane.show(button.dataset.deskActive);
    mark();
    if (button.dataset.customerId || button.dataset.activityId) {
      ContextDesk.widget.refresh().then(function () {
        var entry = document.querySelector('#cd-open-list [data-activity-id="' + button.dataset.activityId + '"]');
        var customer = entry ? entry.dataset.customerId : button.dataset.customerId;
        if (customer) { return ContextDesk.widget.select(String(customer), button.dataset.activityId || null, false); }
      }).catch(function () {});  // a request htmx dropped for a newer one rejects with no reason
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-desk-queued], [data-desk-active], [data-desk-accept], [data-desk-preview-close]");
    if (!target) { return; }
    if (target.dataset.deskQueued) { showPreview(target.dataset.deskQueued); }
    else if (target.dataset.deskActive) { showActive(target); }
    else if (target.dataset.deskAccept) { accept(target.dataset.deskAccept, null).catch(function () {}); }
    else { closePreview(); }
  });

  desk.lists = { load: load, accept: accept, closePreview: closePreview };
})();
