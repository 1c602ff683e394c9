/* An offer (D5): the "New task" dialog with its countdown and Accept; the tab's title flashes
 * meanwhile, for an agent in another window. The service decides the time-out: when it comes,
 * a `state` event (desk.js) closes the dialog and says why the agent is Not Ready. */
(function () {
  "use strict";

  var ContextDesk = (window.ContextDesk = window.ContextDesk || {});
  var desk = (ContextDesk.desk = ContextDesk.desk || {});
  var dialog = document.getElementById("desk-offer");
  var countdown = document.getElementById("desk-offer-countdown");
  var bar = document.getElementById("desk-offer-bar");
  var title = document.title;
  var state = { offer: null, timer: null, flash: false };

  function stop() {
    window.clearInterval(state.timer);
    state.timer = null;
    document.title = title;
  }

  function update() {
    if (!state.offer) { return; }
    var left = Math.max(0, Math.ceil((state.offer.deadline - Date.now()) / 1000));
    countdown.textContent = desk.format(desk.messages.secondsLeft, { count: left });
    bar.value = left;
    state.flash = !state.flash;
    document.title = state.flash ? "● " + desk.messages.newTask + " (" + left + ")" : title;
    if (left <= 0) { hide(); }  // the service's time-out follows; its event says the rest
  }

  /** Show the offer of `task` (the API's TaskOut) until `expiresAt` (the service's time). */
  function show(task, expiresAt, seconds) {
    if (state.offer && state.offer.id === String(task.id) && state.offer.number === task.offer_number) {
      return;
    }
    // The time left is counted on this browser's clock from the service's own figure, so
    // a browser whose clock is off still shows the 15 seconds the service gives.
    if (seconds === undefined) {
      seconds = (Date.parse(expiresAt) - Date.parse(task.offered_at)) / 1000;
    }
    if (!(seconds > 0)) { return; }
    state.offer = { id: String(task.id), number: task.offer_number, deadline: Date.now() + seconds * 1000 };
    var media = desk.messages.media || {};
    var who = task.name || Object.keys(task.identity || {}).map(function (k) { return task.identity[k]; })[0] || "";
    document.getElementById("desk-offer-what").textContent =
      [media[task.medium] || task.medium, who, task.subject].filter(Boolean).join(" · ");
    bar.max = Math.max(1, Math.round(seconds));
    stop();
    update();
    state.timer = window.setInterval(update, 500);
    if (!dialog.open) { dialog.showModal(); }
    document.getElementById("desk-offer-accept").focus();
  }

  /** After a reload: the offer pending in the lists (data-* of its template). */
  function restore(data) {
    var left = (Date.parse(data.expiresAt) - desk.serverNow()) / 1000;
    show({ id: data.taskId, offer_number: Number(data.offer), medium: data.medium, name: data.name,
           subject: data.subject, identity: {} }, null, left);
  }

  function hide() {
    stop();
    state.offer = null;
    if (dialog.open) { dialog.close(); }
  }

  document.getElementById("desk-offer-accept").addEventListener("click", function () {
    var offer = state.offer;
    if (!offer) { return hide(); }
    desk.lists.accept(offer.id, offer.number).then(hide, hide);
  });
  // Escape only hides the dialog: the offer stands until accepted or timed out.
  dialog.addEventListener("close", function () { if (state.offer) { stop(); state.offer = null; } });

  desk.offer = { show: show, restore: restore, hide: hide };
})();
