/* Context Desk: the widget's requests to the service (transport, with socket.js).
 *
 * Holds the session (the service's public URL, the bearer token, the agent's language and time
 * zone) and puts it on every request: htmx's (absolute URLs, no cookies, the version on screen
 * with every write, C3) and `fetchJson`'s. It draws nothing: an answer that is not markup to
 * swap becomes an event on `document` for the parts that show it:
 *   cd:stale  {kind, id, current}   a 409 stale-version (live.js shows the warning with Load)
 *   cd:failed {reason, detail}      reason: sessionEnded, notFound, tooMany, failed, network,
 *                                   or problem (a 4xx whose `detail` says what is wrong)
 *   cd:answered {source, responseText}  any request the service answered with success
 *                                   (forms.js moves the versions on screen on after a save)
 */
(function () {
  "use strict";

  var ContextDesk = (window.ContextDesk = window.ContextDesk || {});
  var dom = ContextDesk.dom;
  var session = { publicUrl: "", token: null, locale: "en", active: false };
  var bound = false;
  var timeZone = "";
  try { timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (ignored) {
    timeZone = "";  // the server's default time zone then
  }

  /** options: publicUrl, token, locale (what widget.start was given). */
  function configure(options) {
    session.publicUrl = String(options.publicUrl || "").replace(/\/+$/, "");
    session.token = options.token;
    session.locale = options.locale || "en";
    session.active = true;
    bind();
  }

  function setToken(token) { session.token = token; }

  function url(path) { return /^https?:/.test(path) ? path : session.publicUrl + path; }
  function ours(path) {
    return path.indexOf(session.publicUrl + "/") === 0 || path.charAt(0) === "/";
  }

  /** GET a JSON resource of the API (`/api/v1/...`) with the bearer token; rejects unless 2xx. */
  function fetchJson(path) {
    return fetch(session.publicUrl + path, {
      headers: { Authorization: "Bearer " + session.token, Accept: "application/json" },
      credentials: "omit",
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    });
  }

  function kindOf(current) {
    if ("medium" in current) { return "activity"; }
    if ("title" in current) { return "request"; }
    return "customer";
  }

  // --- htmx (document-wide, once) ----------------------------------------------------------

  function configRequest(event) {
    var detail = event.detail;
    if (!session.active || !ours(detail.path)) { return; }
    detail.path = url(detail.path);
    detail.headers.Authorization = "Bearer " + session.token;
    detail.headers["Accept-Language"] = session.locale;
    // Dates in the agent's time zone; a parameter, as CORS lets no custom header through.
    if (timeZone && detail.parameters.tz === undefined) { detail.parameters.tz = timeZone; }
    if (detail.verb === "get") { return; }
    // Every write says which version it was made on: the one on screen now (C3).
    var record = detail.elt.closest && detail.elt.closest("[data-cd-record]");
    if (record && detail.parameters.version === undefined) {
      detail.parameters.version = record.dataset.cdVersion;
    }
    dom.$$("[data-cd-version-of]", detail.elt.closest("form") || detail.elt).forEach(function (input) {
      var shown = dom.$('[data-cd-record="' + input.dataset.cdVersionOf + '"]');
      if (shown) { detail.parameters[input.name] = shown.dataset.cdVersion; }
    });
  }

  function beforeSwap(event) {
    var detail = event.detail;
    var status = detail.xhr.status;
    if (status < 400) { return; }
    var type = detail.xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("html") !== -1 && (status === 422 || status === 409)) {
      // A refused input comes back as markup with the agent's input and the message.
      detail.shouldSwap = true;
      detail.isError = false;
      var target = detail.elt.closest && detail.elt.closest("[data-cd-error-target]");
      if (target) {
        detail.target = dom.$(target.dataset.cdErrorTarget);
        detail.swapOverride = target.dataset.cdErrorSwap || "innerHTML";
      }
      return;
    }
    detail.shouldSwap = false;
    detail.isError = false;
    var problem = {};
    try { problem = JSON.parse(detail.xhr.responseText); } catch (ignored) { /* not JSON */ }
    if (status === 409 && problem.type === "/problems/stale-version" && problem.current) {
      // Not an error for the agent: live.js shows the warning with Load.
      dom.emit("cd:stale", { kind: kindOf(problem.current), id: String(problem.current.id),
                             current: problem.current });
    } else if (status === 401) {
      failed("sessionEnded");
    } else if (status === 404) {
      failed("notFound");
    } else if (status === 429) {
      failed("tooMany");
    } else if (status < 500 && problem.detail) {
      failed("problem", problem.detail);
    } else {
      failed("failed");
    }
  }

  function failed(reason, detail) { dom.emit("cd:failed", { reason: reason, detail: detail }); }

  function bind() {
    if (bound) { return; }
    bound = true;
    htmx.config.selfRequestsOnly = false;  // the service is another origin inside Finesse
    htmx.config.withCredentials = false;  // no cookies: the bearer token says who is calling
    htmx.config.historyEnabled = false;
    htmx.config.includeIndicatorStyles = false;
    // Nothing htmx would evaluate as code (hx-trigger filters, js: values): a strict CSP
    // refuses it, so the widget never relies on it.
    htmx.config.allowEval = false;

    document.addEventListener("htmx:configRequest", configRequest);
    document.addEventListener("htmx:beforeSwap", beforeSwap);
    document.addEventListener("htmx:afterRequest", function (event) {
      var detail = event.detail;
      if (!session.active || detail.xhr.status >= 300 || detail.xhr.status === 0) { return; }
      dom.emit("cd:answered", { source: detail.elt, responseText: detail.xhr.responseText });
    });
    document.addEventListener("htmx:sendError", function () { failed("network"); });
  }

  ContextDesk.http = {
    configure: configure,
    setToken: setToken,
    url: url,
    fetchJson: fetchJson,
    /** The session's public URL and token, for the live socket (socket.js). */
    session: function () { return { publicUrl: session.publicUrl, token: session.token }; },
  };
})();
