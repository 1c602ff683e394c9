/* Context Desk: the live socket (transport, with http.js).
 *
 * One WebSocket to PUBLIC_URL/ws with the session's token (http.js), reconnecting with
 * back-off and jitter. It knows nothing of records or warnings: live.js opens it with
 * callbacks for an opened connection, each message (parsed JSON) and the connection going
 * down. The socket stays on the session it opened with; the next one uses the token then.
 */
(function () {
  "use strict";

  var ContextDesk = (window.ContextDesk = window.ContextDesk || {});
  var RETRY_FIRST = 500, RETRY_MAX = 30000;  // ms; doubled after each failed attempt

  var state = { socket: null, stopped: true, retry: RETRY_FIRST, retryTimer: null,
                connectedOnce: false, handlers: null };

  function send(message) {
    if (state.socket && state.socket.readyState === 1) {
      state.socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  function connect() {
    var session = ContextDesk.http.session();
    if (state.stopped || !session.token) { return; }
    var url = session.publicUrl.replace(/^http/, "ws") + "/ws?token=" +
      encodeURIComponent(session.token);
    var socket;
    try { socket = new WebSocket(url); } catch (error) { return reconnectLater(); }
    state.socket = socket;
    socket.onopen = function () {
      var again = state.connectedOnce;
      state.connectedOnce = true;
      state.retry = RETRY_FIRST;
      state.handlers.opened(again);
    };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (ignored) { return; }
      state.handlers.received(event);
    };
    socket.onclose = function () {
      if (state.socket !== socket) { return; }
      state.socket = null;
      reconnectLater();
    };
  }

  function reconnectLater() {
    if (state.stopped) { return; }
    state.handlers.lost();
    window.clearTimeout(state.retryTimer);
    // Jitter, so that a restarted server is not hit by every browser at the same instant.
    var wait = state.retry * (0.75 + Math.random() * 0.5);
    state.retry = Math.min(state.retry * 2, RETRY_MAX);
    state.retryTimer = window.setTimeout(connect, wait);
  }

  /**
   * handlers: opened(again) once connected (again: after a reconnect), received(event) for each
   * message, lost() when the connection is down and a new attempt is scheduled.
   */
  function open(handlers) {
    state.handlers = handlers;
    state.stopped = false;
    if (!state.socket) { connect(); }
  }

  function close() {
    state.stopped = true;
    window.clearTimeout(state.retryTimer);
    if (state.socket) { var socket = state.socket; state.socket = null; socket.close(); }
  }

  ContextDesk.socket = {
    open: open,
    close: close,
    send: send,
    connected: function () { return !!state.socket && state.socket.readyState === 1; },
  };
})();
