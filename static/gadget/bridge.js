/*
 * Context Desk's Finesse bridge (F2): runs in the gadget's own document, where Finesse's
 * JavaScript library is, and tells the Context Desk service what the agent answered,
 * accepted, opened and ended. It signs the agent in with the credentials Finesse gives the
 * gadget (F3, service.js), embeds the widget (embed.js, gadget/CONTRACT.md) and keeps the
 * gadget's height right.
 *
 * Voice: user.getDialogs(); a call counts once the agent's participant is ACTIVE, and ends on
 * DROPPED. Chat and email: user.getMediaList() -> getMedia({id}) for each Media Routing
 * Domain on the gadget URL (?mrd=5000,5001; chat or email by the domain's media type, or
 * forced as 5000:chat) -> media.getMediaDialogs(); a task counts once ACCEPTED or ACTIVE, and
 * ends on CLOSED. Dialogs that exist when the gadget loads (the agent refreshed mid-call) are
 * processed too; the service records each dialog id once, so a reload never duplicates.
 */
var finesse = window.finesse || {};
finesse.modules = finesse.modules || {};

finesse.modules.ContextDesk = (function () {
  "use strict";

  // Agent participant states once the call was answered (a reload can find it held).
  var CALL_ANSWERED = {ACTIVE: true, HELD: true, WRAP_UP: true};
  var CALL_ENDED = {DROPPED: true, FAILED: true};
  var TASK_ACCEPTED = {ACCEPTED: true, ACTIVE: true, PAUSED: true, WRAPPING_UP: true,
                       INTERRUPTED: true};
  var TASK_ENDED = {CLOSED: true};
  var INTERACTION_STATE = {call: "answered", chat: "accepted", email: "opened"};
  var RETRY_DELAYS = [1000, 3000, 10000, 30000];
  var LOCALES = {en: true, nl: true, fr: true, tr: true};

  var s = {
    started: false, config: null, prefs: null, user: null, publicUrl: "", apiBase: "",
    locale: "en", container: null, mrds: {}, service: null, dialogs: {}, widget: "none",
    log: []
  };

  // Small helpers

  function log(message) {
    s.log.push(new Date().toISOString() + " " + message);
    if (s.log.length > 100) { s.log.shift(); }
    var logger = finesse.cslogger && finesse.cslogger.ClientLogger;
    try {
      if (logger && logger.log) { logger.log("ContextDesk: " + message); }
    } catch (error) { /* logging never breaks the gadget */ }
  }

  function msg(key) {
    return (s.prefs && s.prefs.getMsg(key)) || key;
  }

  function adjustHeight() {
    if (window.gadgets && gadgets.window && gadgets.window.adjustHeight) {
      gadgets.window.adjustHeight();
    }
  }

  function dismissLoading() {
    if (window.gadgets && gadgets.loadingindicator && gadgets.loadingindicator.dismiss) {
      gadgets.loadingindicator.dismiss();
    }
  }

  function language(locale) {
    var lang = String(locale || "en").split(/[_-]/)[0].toLowerCase();
    return LOCALES[lang] ? lang : "en";
  }

  function mediumFromName(name) {
    if (/mail/i.test(name || "")) { return "email"; }
    if (/chat/i.test(name || "")) { return "chat"; }
    return null;
  }

  /**
   * The MRDs to follow, from the gadget URL in the layout (Finesse passes it to the gadget's
   * frame as its `url` parameter): {"5000": null, "5001": "email"}; null means "by the
   * domain's media type".
   */
  function mediaRoutingDomains() {
    var found = {};
    var params = window.gadgets && gadgets.util && gadgets.util.getUrlParameters ?
      gadgets.util.getUrlParameters() : {};
    var query = params.url ? String(params.url).split("?")[1] || "" : window.location.search;
    var list = new URLSearchParams(query.replace(/^\?/, "")).get("mrd") || "";
    list.split(",").forEach(function (item) {
      var parts = item.trim().split(":");
      if (/^\d+$/.test(parts[0])) { found[parts[0]] = mediumFromName(parts[1]); }
    });
    return found;
  }

  // Status line in the gadget (never a raw server page)

  function statusBox() {
    var box = s.container.querySelector(".cd-gadget__status");
    if (!box) {
      box = document.createElement("p");
      box.className = "cd-gadget__status";
      box.setAttribute("role", "status");
      s.container.insertBefore(box, s.container.firstChild);
    }
    return box;
  }

  function showStatus(text, options) {
    options = options || {};
    var box = statusBox();
    box.textContent = text || "";
    box.hidden = !text;
    box.className = "cd-gadget__status" + (options.error ? " cd-gadget__status--error" : "");
    if (options.retry) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cd-gadget__retry";
      button.textContent = msg("retry");
      button.addEventListener("click", options.retry);
      box.appendChild(document.createTextNode(" "));
      box.appendChild(button);
    }
    adjustHeight();
  }

  /** Without the widget, the agent still sees which interactions are being recorded. */
  function showCurrent() {
    var list = s.container.querySelector(".cd-gadget__current");
    if (!list) {
      list = document.createElement("ul");
      list.className = "cd-gadget__current";
      list.setAttribute("aria-label", msg("current"));
      s.container.insertBefore(list, statusBox().nextSibling);
    }
    list.innerHTML = "";
    var shown = s.widget === "started" ? [] : Object.keys(s.dialogs).filter(function (id) {
      var status = s.dialogs[id].status;
      return status === "posting" || status === "posted";
    });
    shown.forEach(function (id) {
      var entry = s.dialogs[id];
      var item = document.createElement("li");
      item.textContent = msg(entry.medium) + ": " + (entry.who || msg("unknown_customer")) +
        (entry.status === "posted" ? " · " + msg("recorded") : "");
      list.appendChild(item);
    });
    list.hidden = !shown.length;
    adjustHeight();
  }

  // Session (F3): Finesse's credentials for our own short-lived token (service.js)

  function finesseCredentials() {
    var config = s.config;
    var sso = config.systemAuthMode === "SSO" || (!config.authorization && config.authToken);
    return {id: config.id,
            authorization: sso ? "Bearer " + config.authToken : "Basic " + config.authorization};
  }

  function request(method, path, body) {
    return s.service.request(method, path, body);
  }

  function onToken(token) {
    if (s.widget === "started" && window.ContextDesk.widget.setToken) {
      window.ContextDesk.widget.setToken(token);
    }
  }

  function showSignInError(error) {
    var refused = error.status === 401 || error.status === 403;
    showStatus(msg(refused ? "auth_refused" : "unreachable"), {error: true, retry: start});
    dismissLoading();
    log("sign-in failed: " + error.message);
  }

  // The widget (embed.js, gadget/CONTRACT.md)

  function loadWidget() {
    s.widget = "loading";
    return ContextDeskGadget.embed({
      container: s.container, publicUrl: s.publicUrl, apiBase: s.apiBase,
      token: s.service.token, locale: s.locale, onResize: adjustHeight
    }).then(function () {
      s.widget = "started";
      showStatus("");
      log("widget started");
    }, function (error) {
      s.widget = "failed";
      log("widget failed: " + error.message);
      showStatus(msg("widget_failed"), {error: true, retry: start});
    }).then(function () {
      showCurrent();
      dismissLoading();
    });
  }

  function refreshWidget() {
    showCurrent();
    if (s.widget === "started" && window.ContextDesk.widget.refresh) {
      window.ContextDesk.widget.refresh();
    }
  }

  /** Sign in, then show the widget; the retry buttons call this again. */
  function start() {
    showStatus(msg("signing_in"));
    return s.service.signIn().then(function () {
      showStatus(msg("loading"));
      flushPending();
      return loadWidget();
    }, showSignInError);
  }

  // Interactions: each Finesse dialog becomes one POST /interactions, then one /end

  function identityOf(entry, dialog) {
    var from = String(dialog.getFromAddress() || "").trim();
    if (entry.medium === "call") {
      // Hidden numbers arrive empty or as words ("anonymous", "restricted"): unknown customer.
      return /\d/.test(from) ? {phone: from} : {};
    }
    if (!from) { return {}; }
    // A chat handle that is an email address finds the customer by that address (C1b).
    if (/^[^@\s]+@[^@\s]+$/.test(from)) { return {email: from}; }
    return entry.medium === "chat" ? {chat: from} : {};
  }

  function propertiesOf(dialog) {
    var properties = {};
    var media = (dialog.getMediaProperties && dialog.getMediaProperties()) || {};
    Object.keys(media).forEach(function (key) {
      var value = media[key];
      if (value !== null && value !== undefined && value !== "" && typeof value !== "object") {
        properties[key] = String(value);  // the service clips them to its limits
      }
    });
    return properties;
  }

  function agentParticipantState(dialog) {
    var extension = s.user && s.user.getExtension();
    var participants = (dialog.getParticipants && dialog.getParticipants()) || [];
    for (var i = 0; i < participants.length; i += 1) {
      if (participants[i].mediaAddress === extension) { return participants[i].state; }
    }
    return null;
  }

  function phaseOf(entry, dialog) {
    var state = dialog.getState();
    if (entry.medium === "call") {
      var mine = agentParticipantState(dialog);
      if (CALL_ENDED[state] || CALL_ENDED[mine]) { return "ended"; }
      return CALL_ANSWERED[mine] ? "answered" : "ringing";
    }
    if (TASK_ENDED[state]) { return "ended"; }
    return TASK_ACCEPTED[state] ? "answered" : "ringing";
  }

  /** Follow one dialog: from Finesse's collection load, its add event or a media's dialogs. */
  function track(dialog, medium) {
    var id = dialog.getId();
    var entry = s.dialogs[id];
    if (!entry) {
      entry = s.dialogs[id] = {id: id, medium: medium, status: "new", attempt: 0};
    }
    if (entry.dialog !== dialog) {  // the same id can come as a new object after a reload
      entry.dialog = dialog;
      dialog.addHandler("change", function () { review(entry); });
    }
    review(entry);
  }

  function untrack(dialog) {
    var entry = s.dialogs[dialog.getId()];
    if (entry) { entry.gone = true; review(entry); }
  }

  function review(entry) {
    var phase = entry.gone ? "ended" : phaseOf(entry, entry.dialog);
    if (phase === "answered" && entry.status === "new") { post(entry); }
    if (phase === "ended") {
      entry.endWanted = true;
      if (entry.status === "new") { entry.status = "ended"; }  // never answered: nothing to record
      if (entry.status === "posted") { finish(entry); }
    }
  }

  function retryLater(entry) {
    var delay = RETRY_DELAYS[Math.min(entry.attempt, RETRY_DELAYS.length - 1)];
    entry.attempt += 1;
    setTimeout(function () { review(entry); }, delay);
  }

  function post(entry) {
    if (!s.service.token) { return; }  // start() posts it once signed in
    var dialog = entry.dialog;
    var identity = identityOf(entry, dialog);
    var properties = propertiesOf(dialog);
    var body = {medium: entry.medium, source_id: entry.id, identity: identity,
                state: INTERACTION_STATE[entry.medium], properties: properties};
    if (properties.subject) { body.subject = properties.subject; }
    entry.who = identity.phone || identity.email || identity.chat || "";
    entry.status = "posting";
    showCurrent();
    request("POST", "/interactions", body).then(function (response) {
      if (response.status === 200 || response.status === 201) {
        entry.status = "posted";
        entry.attempt = 0;
        log("recorded " + entry.medium + " " + entry.id + " (" + response.status + ")");
        refreshWidget();
        if (response.status === 201) { showMyTab(); }
        if (entry.endWanted) { finish(entry); }
      } else if (response.status >= 500 || response.status === 429 || response.status === 401) {
        entry.status = "new";
        retryLater(entry);
      } else {
        entry.status = "failed";
        showStatus(msg("not_recorded") + " " +
                   ContextDeskGadget.Service.problemText(response, "HTTP " + response.status),
                   {error: true});
      }
    }, function (error) {
      log("recording " + entry.id + " failed: " + error.message);
      entry.status = "new";
      retryLater(entry);
    });
  }

  /** A screen-pop brings the gadget's tab to the front (Finesse's activateMyTab), unless the
   *  agent's gadget preference `activateTab` says "false" (a missing preference counts as on). */
  function showMyTab() {
    var wanted = !s.prefs || !s.prefs.getString || s.prefs.getString("activateTab") !== "false";
    if (wanted && s.services && s.services.activateMyTab) { s.services.activateMyTab(); }
  }

  // F5: other gadgets on the desktop push an activity or a customer over the Finesse hub
  // (docs/finesse.md, "Pushing into the gadget"): the topic and its payloads.
  var PUSH_TOPIC = "contextdesk.push";

  function pushed(topic, data) {
    var payload = data;
    if (typeof payload === "string") {
      try { payload = JSON.parse(payload); } catch (error) { payload = null; }
    }
    if (!payload || typeof payload !== "object" || !s.service || !s.service.token) {
      log("push ignored: not a payload, or not signed in");
      return;
    }
    if (payload.type === "activity") { pushActivity(payload); }
    else if (payload.type === "customer") { pushCustomer(payload); }
    else { log("push ignored: unknown type " + payload.type); }
  }

  function pushActivity(payload) {
    var medium = INTERACTION_STATE[payload.medium] ? payload.medium : null;
    if (!medium || !payload.id) { log("push ignored: an activity needs medium and id"); return; }
    var id = String(payload.id);
    if (payload.action === "end") {
      request("POST", "/interactions/" + encodeURIComponent(id) + "/end").then(refreshWidget);
      return;
    }
    var body = {medium: medium, source_id: id, identity: payload.identity || {},
                state: INTERACTION_STATE[medium], properties: payload.properties || {}};
    if (payload.subject) { body.subject = String(payload.subject); }
    request("POST", "/interactions", body).then(function (response) {
      log("pushed " + medium + " " + id + " (" + response.status + ")");
      if (response.status === 200 || response.status === 201) {
        refreshWidget();
        if (response.status === 201) { showMyTab(); }
      }
    });
  }

  function pushCustomer(payload) {
    var widget = window.ContextDesk && window.ContextDesk.widget;
    if (!payload.customer_id || s.widget !== "started" || !widget || !widget.open) {
      log("push ignored: a customer needs customer_id and the widget");
      return;
    }
    widget.open(String(payload.customer_id));
    showMyTab();
  }

  function finish(entry) {
    entry.status = "ending";
    request("POST", "/interactions/" + encodeURIComponent(entry.id) + "/end").then(
      function (response) {
        if (response.status === 200 || response.status === 404) {
          entry.status = "ended";
          log("ended " + entry.medium + " " + entry.id);
          refreshWidget();
        } else {
          entry.status = "posted";
          retryLater(entry);
        }
      }, function () { entry.status = "posted"; retryLater(entry); });
  }

  /** Dialogs seen before the session existed. */
  function flushPending() {
    Object.keys(s.dialogs).forEach(function (id) { review(s.dialogs[id]); });
  }

  // Finesse: the user, its voice dialogs, its chat and email media

  function watchCollection(collection, follow) {
    var all = (collection && collection.getCollection && collection.getCollection()) || {};
    Object.keys(all).forEach(function (id) { follow(all[id]); });
  }

  /** Finesse tells every media about every media dialog: keep this domain's own. */
  function followMedia(media, forced) {
    var mrdId = String(media.getId());
    var follow = function (dialog) {
      var properties = dialog.getMediaProperties() || {};
      if (properties.mediaId !== undefined && String(properties.mediaId) !== mrdId) { return; }
      var medium = forced || mediumFromName(dialog.getMediaType && dialog.getMediaType()) ||
        mediumFromName(media.getName && media.getName()) || "chat";
      track(dialog, medium);
    };
    media.getMediaDialogs({
      onLoad: function (dialogs) { watchCollection(dialogs, follow); },
      onCollectionAdd: follow,
      onCollectionDelete: untrack
    });
  }

  function watchMedia(mediaList) {
    Object.keys(s.mrds).forEach(function (mrdId) {
      mediaList.getMedia({
        id: mrdId,
        onLoad: function (media) { followMedia(media, s.mrds[mrdId]); },
        onError: function (error) {
          log("media " + mrdId + " unavailable: " + JSON.stringify(error && error.status));
        }
      });
    });
  }

  function onUserLoad(user) {
    s.user = user;
    log("Finesse user " + user.getId() + " at extension " + user.getExtension());
    var follow = function (dialog) { track(dialog, "call"); };
    user.getDialogs({
      onLoad: function (dialogs) { watchCollection(dialogs, follow); },
      onCollectionAdd: follow,
      onCollectionDelete: untrack
    });
    if (Object.keys(s.mrds).length) { user.getMediaList({onLoad: watchMedia}); }
  }

  /** Begin: called from gadgets.HubSettings.onConnect with {publicUrl, container}. */
  function init(options) {
    if (s.started) { return; }
    s.started = true;
    s.container = options.container || document.getElementById("context-desk");
    s.publicUrl = String(options.publicUrl).replace(/\/+$/, "");
    s.apiBase = s.publicUrl + "/api/v1";
    s.prefs = new gadgets.Prefs();
    if (!window.finesse || !finesse.gadget || !finesse.restservices) {
      showStatus(msg("no_finesse"), {error: true});
      dismissLoading();
      return;
    }
    s.config = finesse.gadget.Config;
    s.service = new ContextDeskGadget.Service({apiBase: s.apiBase, credentials: finesseCredentials,
                                               onToken: onToken, log: log});
    s.locale = language(s.config.locale);
    s.mrds = mediaRoutingDomains();
    if (gadgets.window.setTitle) { gadgets.window.setTitle(msg("title")); }
    if (finesse.cslogger && finesse.cslogger.ClientLogger && gadgets.Hub) {
      finesse.cslogger.ClientLogger.init(gadgets.Hub, "ContextDesk");
    }
    finesse.clientservices.ClientServices.init(s.config, false);
    var services = s.services = finesse.containerservices.ContainerServices.init();
    // adjustHeight does nothing while the tab is hidden: measure again when it shows.
    services.addHandler(finesse.containerservices.ContainerServices.Topics.ACTIVE_TAB,
                        adjustHeight);
    if (services.makeActiveTabReq) { services.makeActiveTabReq(); }
    if (gadgets.Hub && gadgets.Hub.subscribe) { gadgets.Hub.subscribe(PUSH_TOPIC, pushed); }
    new finesse.restservices.User({
      id: s.config.id,
      onLoad: onUserLoad,
      onError: function (error) {
        log("Finesse user did not load: " + JSON.stringify(error && error.status));
      }
    });
    start();
  }

  /** What the bridge knows, for the harness and for support: no credentials, no token. */
  function status() {
    var dialogs = {};
    Object.keys(s.dialogs).forEach(function (id) {
      dialogs[id] = {medium: s.dialogs[id].medium, status: s.dialogs[id].status};
    });
    return {signedIn: !!(s.service && s.service.token), locale: s.locale, mrds: s.mrds, widget: s.widget,
            dialogs: dialogs, log: s.log.slice()};
  }

  return {init: init, status: status};
}());
