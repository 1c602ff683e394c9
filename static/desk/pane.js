/* The communication pane (D1): the chat live both ways, the call's number, customer and
 * duration, or the email; End ends the task and its activity. */
(function () {
  "use strict";

  var ContextDesk = (window.ContextDesk = window.ContextDesk || {});
  var desk = (ContextDesk.desk = ContextDesk.desk || {});
  var holder = document.getElementById("desk-pane");
  var empty = holder.innerHTML;
  var state = { task: null };

  function current() { return holder.querySelector(".desk-pane"); }

  function show(taskId) {
    state.task = String(taskId);
    return desk.html("/desk/tasks/" + encodeURIComponent(taskId) + "/pane").then(function (html) {
      if (state.task !== String(taskId)) { return; }
      holder.innerHTML = html;
      scrollDown();
    }, function (error) {
      state.task = null;
      holder.innerHTML = empty;
      desk.problem(error);
    });
  }

  function scrollDown() {
    var chat = document.getElementById("desk-chat");
    if (chat) { chat.scrollTop = chat.scrollHeight; }
  }

  function append(message) {
    var chat = document.getElementById("desk-chat");
    if (!chat || chat.querySelector('[data-message-id="' + message.id + '"]')) { return; }
    var item = document.createElement("li");
    item.className = "desk-chat-message desk-from-" + message.sender;
    item.dataset.messageId = message.id;
    var sender = document.createElement("span");
    sender.className = "desk-chat-sender";
    sender.textContent = message.sender === "agent" ? desk.messages.you : desk.messages.customer;
    var body = document.createElement("span");
    body.className = "desk-chat-body";
    body.textContent = message.body;
    var time = document.createElement("time");
    time.className = "desk-chat-time";
    time.dateTime = message.created_at;
    time.textContent = new Date(message.created_at).toLocaleTimeString(desk.locale, { hour: "2-digit", minute: "2-digit" });
    item.append(sender, body, time);
    chat.appendChild(item);
    scrollDown();
  }

  /** A `message` live event: a message of a chat this agent handles. */
  function message(event) {
    if (String(event.task) !== state.task) { return; }
    append(event.message);
    if (event.message.sender === "customer") { showTyping(false); }
  }

  /** A `typing` live event: the customer is typing; shown for a few seconds. */
  function typing(event) {
    if (String(event.task) === state.task) { showTyping(true); }
  }

  function showTyping(shown) {
    var note = document.getElementById("desk-typing");
    if (!note) { return; }
    window.clearTimeout(state.typingTimer);
    note.textContent = shown ? desk.messages.typing : "";
    if (shown) { state.typingTimer = window.setTimeout(function () { showTyping(false); }, 4000); }
  }

  function send(form) {
    var field = form.elements.body;
    var text = field.value;
    var error = document.getElementById("desk-message-error");
    if (!text.trim()) { return; }
    error.textContent = "";
    desk.api("POST", "/tasks/" + encodeURIComponent(state.task) + "/messages", { body: text })
      .then(function (sent) {
        if (field.value === text) { field.value = ""; }
        append(sent);
      }, function (problem) {
        error.textContent = (problem.status === 422 && problem.message) || "";
        if (!error.textContent) { desk.problem(problem); }
      });
  }

  function end(taskId) {
    desk.notice("");
    desk.api("POST", "/tasks/" + encodeURIComponent(taskId) + "/end").then(function () {
      desk.lists.load();
      reloadJourney();
      return show(taskId);
    }, desk.problem);
  }

  /** The widget's journey again (its own fragment): it now has the chat's transcript. */
  function reloadJourney() {
    var context = document.querySelector("#cd-context .cd-context-inner");
    var list = document.getElementById("cd-journey-list");
    if (!context || !list) { return; }
    htmx.ajax("GET", document.getElementById("desk-main").dataset.base + "/widget/customers/" +
              encodeURIComponent(context.dataset.customerId) + "/journey?activity=" +
              encodeURIComponent(context.dataset.activityId || ""),
              { source: list, target: list, swap: "innerHTML" }).catch(dropped);
  }

  /** htmx rejects with no reason when it drops a request for a newer one: nothing to say. */
  function dropped() {}

  document.addEventListener("submit", function (event) {
    if (event.target.id !== "desk-chat-form") { return; }
    event.preventDefault();
    send(event.target);
  });
  document.addEventListener("keydown", function (event) {
    // Enter sends, Shift+Enter makes a new line, as in every chat.
    if (event.target.id === "desk-message" && event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send(event.target.form);
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-desk-end]");
    if (button) { end(button.dataset.deskEnd); }
  });

  desk.pane = {
    show: show,
    message: message,
    typing: typing,
    reload: function () { return state.task ? show(state.task) : Promise.resolve(); },
    shown: function () { return state.task; },
    status: function () { var pane = current(); return pane ? pane.dataset.status : null; },
  };
})();
