/* The Care Desktop's start: sign in and out, Ready / Not Ready, the shared helpers, and the
 * live events (from the widget's socket, live.js, as `cd:live`) handed to the desk's parts.
 * The lists, the offer and the communication pane are lists.js, offer.js and pane.js. */
(function () {
  "use strict";

  var ContextDesk = (window.ContextDesk = window.ContextDesk || {});
  var desk = (ContextDesk.desk = ContextDesk.desk || {});
  var main = document.getElementById("desk-main");
  var form = document.getElementById("desk-signin");
  var status = document.getElementById("desk-status");
  var STORE = "context-desk.desk-session";
  var messages = (desk.messages = JSON.parse(document.getElementById("desk-messages").textContent));
  desk.session = null;
  desk.locale = main.dataset.locale;

  function format(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, key) {
      return values && key in values ? values[key] : all;
    });
  }
  desk.format = format;

  function failure(text, extra) {
    var error = new Error(text);
    Object.keys(extra || {}).forEach(function (key) { error[key] = extra[key]; });
    return error;
  }

  function request(url, options) {
    options.headers = options.headers || {};
    options.headers.Authorization = "Bearer " + desk.session.token;
    options.headers["Accept-Language"] = desk.locale;
    return fetch(url, options).then(function (response) {
      if (response.status === 401) {
        signedOut(messages.sessionEnded);
        throw failure(messages.sessionEnded, { status: 401 });
      }
      return response;
    }, function () { throw failure(messages.network); });
  }

  /** A JSON API call; a refusal is an Error with the problem's `status` and `type`. */
  desk.api = function (method, path, body) {
    var options = { method: method, headers: {} };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return request(main.dataset.api + path, options).then(function (response) {
      if (response.status === 204) { return null; }
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          throw failure(data.detail || messages.failed, { status: response.status, type: data.type });
        }
        return data;
      });
    });
  };

  /** A fragment of the desk's markup. */
  desk.html = function (path) {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (ignored) { zone = ""; }
    var separator = path.indexOf("?") < 0 ? "?" : "&";
    return request(main.dataset.base + path + separator + "tz=" + encodeURIComponent(zone),
                   { method: "GET" }).then(function (response) {
      if (!response.ok) { throw failure(response.status === 403 ? messages.notYours : messages.failed,
                                        { status: response.status }); }
      return response.text();
    });
  };

  var PROBLEMS = {
    "/problems/one-conversation": "oneConversation",
    "/problems/task-taken": "taskTaken",
    "/problems/offer-expired": "offerExpired",
    "/problems/forbidden": "notYours",
    "/problems/chat-ended": "chatEnded",
    "/problems/customer-left": "customerLeftWaiting",
  };

  /** Say something to the agent in the notice line (role=alert); empty text hides it.
   * `info`: news, not a refusal (a declined offer, a customer who left), shown calmer. */
  desk.notice = function (text, info) {
    var notice = document.getElementById("desk-notice");
    notice.textContent = text || "";
    notice.hidden = !text;
    notice.classList.toggle("desk-notice-info", Boolean(info));
  };

  /** Say why the service refused, in the agent's language where the desk knows the case. */
  desk.problem = function (error) {
    if (error.status === 401) { return; }
    desk.notice(messages[PROBLEMS[error.type]] || error.message || messages.failed);
  };

  // --- Signing in and out ----------------------------------------------------------------

  function begin(session) {
    desk.session = session;
    form.hidden = true;
    document.getElementById("desk").hidden = false;
    document.getElementById("desk-agent").hidden = false;
    document.getElementById("desk-who").textContent =
      format(messages.signedInAs, { name: session.agent.name || session.agent.id });
    ContextDesk.widget.start({
      apiBase: main.dataset.api, publicUrl: main.dataset.base, token: session.token,
      locale: desk.locale, agent: session.agent,
    });
    desk.api("GET", "/agent/state").then(showState, desk.problem);
    desk.lists.load();
  }

  function signedOut(why) {
    window.sessionStorage.removeItem(STORE);
    if (ContextDesk.live && ContextDesk.live.stop) { ContextDesk.live.stop(); }
    desk.session = null;
    if (desk.offer) { desk.offer.hide(); }
    document.getElementById("desk").hidden = true;
    document.getElementById("desk-agent").hidden = true;
    form.hidden = false;
    document.getElementById("desk-signin-error").textContent = why || "";
    form.elements.username.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var error = document.getElementById("desk-signin-error");
    error.textContent = "";
    fetch(main.dataset.api + "/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ local: { username: form.elements.username.value.trim(),
                                      password: form.elements.password.value } }),
    }).then(function (response) {
      if (response.status === 429) { throw new Error(messages.tooMany); }
      if (!response.ok) { throw new Error(messages.signInFailed); }
      return response.json();
    }).then(function (session) {
      form.elements.password.value = "";
      window.sessionStorage.setItem(STORE, JSON.stringify(session));  // this tab only
      begin(session);
    }).catch(function (problem) {
      error.textContent = problem instanceof TypeError ? messages.network : problem.message;
    });
  });

  document.getElementById("desk-signout").addEventListener("click", function () {
    var done = function () { signedOut(""); };
    desk.api("DELETE", "/session").then(done, done);
  });

  // --- Ready / Not Ready (D5) ------------------------------------------------------------

  function showState(state) {
    status.value = state.state;
    status.dataset.current = state.state;
  }
  desk.showState = showState;

  status.addEventListener("change", function () {
    var wanted = status.value;
    desk.notice("");
    desk.api("PUT", "/agent/state", { state: wanted }).then(showState, function (error) {
      status.value = status.dataset.current || "not_ready";
      desk.problem(error);
    });
  });

  document.getElementById("desk-locale").addEventListener("change", function () {
    document.getElementById("desk-lang").submit();
  });

  // --- Live events -----------------------------------------------------------------------

  document.addEventListener("cd:live", function (event) {
    var data = event.detail || {};
    if (!desk.session) { return; }
    if (data.type === "queue") { desk.lists.load(); }
    else if (data.type === "offer") { desk.offer.show(data.task, data.expires_at); desk.lists.load(); }
    else if (data.type === "state") {
      showState({ state: data.state });
      if (data.reason === "offer_timeout" || data.reason === "declined") {
        desk.offer.hide();
        if (data.reason === "declined") { desk.notice(messages.declined, true); }
        else { desk.notice(messages.offerTimedOut); }
      }
    }
    else if (data.type === "message") { desk.pane.message(data); }
    else if (data.type === "typing") { desk.pane.typing(data); }
    else if (data.type === "customer_left") { customerLeft(data); }
  });

  /** A chat's visitor left: an offer of it is withdrawn; a conversation shows it in the pane. */
  function customerLeft(data) {
    var offered = desk.offer.state.offer;
    if (data.state === "abandoned" && offered && offered.id === String(data.task)) {
      desk.offer.hide();
      desk.notice(messages.customerLeftWaiting, true);
    }
    if (data.state === "active") {
      desk.lists.load();
      if (desk.pane.shown() === String(data.task)) { desk.pane.reload(); }
    }
  }

  var kept = window.sessionStorage.getItem(STORE);
  if (kept) {
    try {
      var session = JSON.parse(kept);
      if (Date.parse(session.expires_at) > Date.now() + 60000) { begin(session); }
    } catch (ignored) { window.sessionStorage.removeItem(STORE); }
  }
})();
