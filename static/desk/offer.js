/* An offer (D5): the "New task" dialog with its countdown and Accept; the tab's title flashes
 * meanwhile and, if the agent asked for it, a chime sounds, for an agent in another window.
 * The service decides the time-out: when it comes, a `state` event (desk.js) closes the dialog
 * and says why the agent is Not Ready. Escape does not dismiss it: an offer only ends by
 * Accept, Decline (the task goes to the next Ready agent, the agent Not Ready) or by running
 * out, so an agent cannot lose a task by a stray key. */
(function () {
  "use strict";

  var ContextDesk = (window.ContextDesk = window.ContextDesk || {});
  var desk = (ContextDesk.desk = ContextDesk.desk || {});
  var dialog = document.getElementById("desk-offer");
  var countdown = document.getElementById("desk-offer-countdown");
  var bar = document.getElementById("desk-offer-bar");
  var soundBox = document.getElementById("desk-sound");
  var SOUND = "context-desk.desk-sound";
  var title = document.title;
  var state = { offer: null, timer: null, flash: false, audio: null };

  // --- The chime (Web Audio: nothing fetched, nothing to host) ---------------------------

  function soundWanted() { return window.localStorage.getItem(SOUND) === "on"; }

  /** Browsers only let a page make sound after the agent did something on it: the context is
   * made (or woken) on the agent's own clicks and keys, and used when an offer comes. */
  function wakeAudio() {
    if (!soundWanted() || !window.AudioContext) { return; }
    if (!state.audio) { state.audio = new window.AudioContext(); }
    if (state.audio.state === "suspended") { state.audio.resume().catch(function () {}); }
  }

  function chime() {
    if (!soundWanted()) { return; }
    wakeAudio();
    var audio = state.audio;
    if (!audio || audio.state !== "running") { return; }
    [660, 880].forEach(function (pitch, index) {
      var start = audio.currentTime + index * 0.18;
      var tone = audio.createOscillator();
      var volume = audio.createGain();
      tone.type = "sine";
      tone.frequency.value = pitch;
      volume.gain.setValueAtTime(0.0001, start);
      volume.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
      volume.gain.exponentialRampToValueAtTime(0.0001, start + 0.35);
      tone.connect(volume).connect(audio.destination);
      tone.start(start);
      tone.stop(start + 0.4);
    });
    state.chimes = (state.chimes || 0) + 1;  // for tests: a chime was asked of the speakers
  }

  soundBox.checked = soundWanted();
  soundBox.addEventListener("change", function () {
    window.localStorage.setItem(SOUND, soundBox.checked ? "on" : "off");
    wakeAudio();
  });
  document.addEventListener("pointerdown", wakeAudio, true);
  document.addEventListener("keydown", wakeAudio, true);

  // --- The dialog ------------------------------------------------------------------------

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
    document.title = state.flash ? "● " + desk.messages.newTask + " (" + left + ") · " + title : title;
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
    chime();
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
  document.getElementById("desk-offer-decline").addEventListener("click", function () {
    var offer = state.offer;
    if (!offer) { return hide(); }
    desk.api("POST", "/tasks/" + encodeURIComponent(offer.id) + "/decline", { offer: offer.number })
      .then(function (agentState) {
        hide();
        desk.showState(agentState);
        desk.notice(desk.messages.declined, true);
      }, function (error) { hide(); desk.problem(error); desk.lists.load(); });
  });
  // Escape asks the dialog to cancel: refused while the offer stands. Browsers let a page
  // refuse only so often (a second Escape may close it anyway), so a dialog closed while its
  // offer stands opens again at once.
  dialog.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && state.offer) { event.preventDefault(); }
  });
  dialog.addEventListener("cancel", function (event) { if (state.offer) { event.preventDefault(); } });
  dialog.addEventListener("close", function () {
    if (state.offer) {
      dialog.showModal();
      document.getElementById("desk-offer-accept").focus();
    }
  });

  desk.offer = { show: show, restore: restore, hide: hide, state: state };
})();
