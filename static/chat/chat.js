/* Context Desk's customer chat widget (D9). A website adds one tag:
 *   <script src="https://desk.example.com/static/chat/chat.js" async></script>
 * (optionally data-locale="nl", and the visitor's data-name and data-email when the site knows
 * them: the form is then filled in). It asks the visitor's name and email, starts a chat, and
 * exchanges messages with the agent live over the service's WebSocket. Its markup lives in a
 * shadow root, so the website's styles and ours never mix; the chat's token is kept in
 * sessionStorage, so a reload of the page goes on with the same chat. */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.ContextDeskChat) { return; }
  var base = script.src.replace(/\/static\/chat\/chat\.js(\?.*)?$/, "");
  var locale = script.dataset.locale || (navigator.language || "en");
  var STORE = "context-desk.chat:" + base;
  var RETRY_FIRST = 1000, RETRY_MAX = 30000;
  var state = { chat: null, socket: null, retry: RETRY_FIRST, texts: {}, root: null, last: 0 };
  window.ContextDeskChat = state;

  function $(selector) { return state.root.querySelector(selector); }

  function call(method, path, body) {
    var headers = { "Accept-Language": locale };
    if (state.chat) { headers.Authorization = "Bearer " + state.chat.token; }
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    return fetch(base + "/api/v1" + path, {
      method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) { return data; }
        var error = new Error(response.status === 429 ? state.texts.tooMany
          : response.status === 422 ? firstError(data) : state.texts.failed);
        error.status = response.status;
        throw error;
      });
    }, function () { throw new Error(state.texts.network); });
  }

  function firstError(problem) {
    var errors = problem.errors || {};
    var field = Object.keys(errors)[0];
    return field ? errors[field][0] : problem.detail || state.texts.failed;
  }

  // --- Showing the chat ------------------------------------------------------------------

  function open(expanded) {
    $(".chat-panel").hidden = !expanded;
    $(".chat-launcher").setAttribute("aria-expanded", expanded ? "true" : "false");
    $(".chat-launcher").hidden = expanded;
    if (expanded) {
      // The first field left to fill (the site may have filled them in), else Start chat.
      var field = state.chat ? $("#chat-message")
        : [$("#chat-name"), $("#chat-email")].filter(function (f) { return !f.value; })[0] || $(".chat-start .chat-primary");
      if (field) { field.focus(); }
    } else {
      $(".chat-launcher").focus();
    }
  }

  function status(chatStatus) {
    var text = { waiting: state.texts.waiting, active: state.texts.joined, ended: state.texts.ended }[chatStatus];
    $(".chat-status").textContent = text || "";
    var ended = chatStatus === "ended";
    $("#chat-message").disabled = ended;
    $(".chat-send .chat-primary").disabled = ended;
    $(".chat-send").hidden = ended;  // nobody is there to read it any more
    $(".chat-end").hidden = ended;
    $(".chat-again").hidden = !ended;
    if (ended) {
      window.sessionStorage.removeItem(STORE);
      state.ended = true;
      if (state.socket) { state.socket.close(); }  // nothing more will come: no reconnecting
    }
  }

  function append(message) {
    var list = $(".chat-messages");
    if (list.querySelector('[data-id="' + message.id + '"]')) { return; }
    state.last = Math.max(state.last, Number(message.id));
    var item = document.createElement("li");
    item.className = "chat-message chat-from-" + message.sender;
    item.dataset.id = message.id;
    var who = document.createElement("span");
    who.className = "chat-who";
    who.textContent = message.sender === "customer" ? state.texts.you : state.texts.agent;
    var body = document.createElement("span");
    body.className = "chat-body";
    body.textContent = message.body;
    item.append(who, body);
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
  }

  function talking() {
    $(".chat-start").hidden = true;
    $(".chat-talk").hidden = false;
  }

  function catchUp() {
    return call("GET", "/chats/" + state.chat.id + (state.last ? "?after=" + state.last : ""))
      .then(function (chat) {
        chat.messages.forEach(append);
        status(chat.status);
        return chat;
      });
  }

  // --- Live: the chat's own socket -------------------------------------------------------

  function connect() {
    if (!state.chat) { return; }
    var url = base.replace(/^http/, "ws") + "/ws?chat=" + encodeURIComponent(state.chat.id) +
      "&token=" + encodeURIComponent(state.chat.token);
    var socket = new WebSocket(url);
    state.socket = socket;
    socket.onopen = function () {
      state.retry = RETRY_FIRST;
      catchUp().catch(function () {});  // what was said while the socket was away
    };
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (ignored) { return; }
      if (data.type === "message") { append(data.message); }
      else if (data.type === "chat") { status(data.state); }
    };
    socket.onclose = function () {
      if (state.socket !== socket || !state.chat || state.ended) { return; }
      state.socket = null;
      window.setTimeout(connect, state.retry * (0.75 + Math.random() * 0.5));
      state.retry = Math.min(state.retry * 2, RETRY_MAX);
    };
  }

  function begin(chat) {
    state.chat = chat;
    state.ended = false;
    talking();
    connect();
  }

  /** End chat: the visitor leaves. A chat no agent has taken leaves the queue; an agent in
   * the conversation is told. Closing the page does the same, a minute later. */
  function leave() {
    if (!state.chat) { return; }
    call("POST", "/chats/" + state.chat.id + "/end").then(function (chat) {
      status(chat.status);
      $(".chat-again").focus();
    }, function (problem) { $(".chat-send .chat-error").textContent = problem.message; });
  }

  /** Back to the form for a new chat (the name and email as they were). */
  function again() {
    state.chat = null;
    state.last = 0;
    state.socket = null;
    $(".chat-messages").textContent = "";
    $(".chat-status").textContent = "";
    $(".chat-talk").hidden = true;
    $(".chat-send").hidden = false;
    $(".chat-start").hidden = false;
    $("#chat-name").focus();
  }

  // --- What the visitor does -------------------------------------------------------------

  function start(form) {
    var error = form.querySelector(".chat-error");
    error.textContent = "";
    call("POST", "/chats", { name: form.elements.name.value, email: form.elements.email.value.trim() })
      .then(function (started) {
        var chat = { id: started.id, token: started.chat_token };
        window.sessionStorage.setItem(STORE, JSON.stringify(chat));
        status("waiting");
        begin(chat);
        $("#chat-message").focus();
      }, function (problem) { error.textContent = problem.message; });
  }

  function send(form) {
    var field = form.elements.body;
    var text = field.value;
    var error = form.querySelector(".chat-error");
    if (!text.trim() || !state.chat) { return; }
    error.textContent = "";
    call("POST", "/chats/" + state.chat.id + "/messages", { body: text }).then(function (sent) {
      if (field.value === text) { field.value = ""; }
      append(sent);
    }, function (problem) { error.textContent = problem.message; });
  }

  function typing() {
    var now = Date.now();
    if (!state.socket || state.socket.readyState !== 1 || now - (state.typedAt || 0) < 1500) { return; }
    state.typedAt = now;
    state.socket.send(JSON.stringify({ type: "typing" }));
  }

  function wire() {
    $(".chat-launcher").addEventListener("click", function () { open(true); });
    $(".chat-minimise").addEventListener("click", function () { open(false); });
    $(".chat-end").addEventListener("click", leave);
    $(".chat-again").addEventListener("click", again);
    $(".chat-start").addEventListener("submit", function (event) { event.preventDefault(); start(event.target); });
    $(".chat-send").addEventListener("submit", function (event) { event.preventDefault(); send(event.target); });
    $("#chat-message").addEventListener("input", typing);
    $("#chat-message").addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        send(event.target.form);
      }
    });
    $(".chat-panel").addEventListener("keydown", function (event) {
      if (event.key === "Escape") { open(false); }
    });
  }

  function boot() {
    var host = document.createElement("div");
    host.className = "context-desk-chat";
    state.root = host.attachShadow({ mode: "open" });
    document.body.appendChild(host);
    fetch(base + "/chat/panel?locale=" + encodeURIComponent(locale)).then(function (response) {
      return response.text();
    }).then(function (html) {
      state.root.innerHTML = html;
      state.texts = JSON.parse($(".chat").dataset.texts);
      // What the website knows of its visitor, passed on the script tag, fills the form in.
      if (script.dataset.name) { $("#chat-name").value = script.dataset.name; }
      if (script.dataset.email) { $("#chat-email").value = script.dataset.email; }
      wire();
      var kept = null;
      try { kept = JSON.parse(window.sessionStorage.getItem(STORE) || "null"); } catch (ignored) { kept = null; }
      if (!kept) { return; }
      state.chat = kept;
      catchUp().then(function (chat) {
        talking();
        open(true);
        if (chat.status !== "ended") { connect(); }
      }, function () {
        window.sessionStorage.removeItem(STORE);  // the chat is gone or the token no longer fits
        state.chat = null;
      });
    });
  }

  if (document.body) { boot(); } else { document.addEventListener("DOMContentLoaded", boot); }
})();
