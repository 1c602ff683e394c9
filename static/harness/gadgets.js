/*
 * The harness's `gadgets.*` features for a gadget in its iframe (F4): what Finesse's
 * container (Shindig) gives a gadget that requires pubsub-2, setprefs, settitle,
 * dynamic-height and loadingindicator. The harness page (desktop.js) is the container: this
 * file reaches it through `window.parent.CDHarness`, same origin, for the panel named by the
 * iframe's data-panel attribute. Opened on its own (no harness), user prefs come from the
 * URL's `up_<name>` parameters, as in Shindig.
 */
(function () {
  "use strict";

  var settings = {messages: {}, prefs: {}, features: [], lang: "en", title: ""};
  var subscriptions = {};
  var nextSubscription = 1;

  function harness() {
    try {
      return window.parent !== window && window.parent.CDHarness ? window.parent.CDHarness : null;
    } catch (error) {
      return null;  // another origin: no harness to talk to
    }
  }

  function panel() {
    return window.frameElement ? window.frameElement.getAttribute("data-panel") : null;
  }

  function urlParameters() {
    var found = {};
    new URLSearchParams(window.location.search).forEach(function (value, key) {
      found[key] = value;
    });
    return found;
  }

  /** User prefs: the container's (the Finesse server's address), then the agent's session. */
  function userPrefs() {
    var prefs = {};
    var params = urlParameters();
    Object.keys(params).forEach(function (key) {
      if (key.indexOf("up_") === 0) { prefs[key.slice(3)] = params[key]; }
    });
    Object.keys(settings.prefs).forEach(function (key) { prefs[key] = settings.prefs[key]; });
    var host = harness();
    var mine = host ? host.prefsFor(panel()) : {};
    Object.keys(mine || {}).forEach(function (key) { prefs[key] = mine[key]; });
    return prefs;
  }

  /** A side gadget (the sample CRM gadget beside ours) shares the panel's hub only: its loads,
   *  title and height are not the Customer Context gadget's. */
  function side() {
    return !!(window.frameElement && window.frameElement.hasAttribute("data-side-gadget"));
  }

  function tell(method) {
    if (side()) { return undefined; }
    var host = harness();
    var args = Array.prototype.slice.call(arguments, 1);
    if (host && host[method]) { return host[method].apply(host, [panel()].concat(args)); }
    return undefined;
  }

  var gadgets = window.gadgets = window.gadgets || {};

  /** The container's own hooks, called by the page the harness renders. */
  gadgets.container = {
    configure: function (options) { settings = options; },
    loaded: function () {
      tell("gadgetLoaded", settings.title);
      // Shindig connects the hub after the gadget's page has loaded; the gadget's init runs
      // from onConnect, never before.
      setTimeout(function () {
        if (typeof gadgets.HubSettings.onConnect === "function") {
          gadgets.HubSettings.onConnect();
        }
      }, 0);
    },
    /** The mock Finesse server of this panel's agent, for the finesse.js stand-in. */
    finesse: function () { return tell("finesseFor"); },
    features: function () { return settings.features.slice(); }
  };

  // pubsub-2: the hub. As in Finesse (OpenAjax's managed hub), what a gadget publishes goes to
  // the container by postMessage, which hands it to every gadget of the desktop (desktop.js),
  // the publisher included; ContainerServices subscribes to the active-tab topic here too.
  function deliver(topic, data) {
    Object.keys(subscriptions).forEach(function (id) {
      var subscription = subscriptions[id];
      if (subscription && subscription.topic === topic) { subscription.callback(topic, data); }
    });
  }

  window.addEventListener("message", function (event) {
    var message = event.data;
    if (event.source === window.parent && message && message.cdHub === "deliver") {
      deliver(message.topic, message.data);
    }
  });

  gadgets.HubSettings = gadgets.HubSettings || {onConnect: null};
  gadgets.Hub = {
    subscribe: function (topic, callback) {
      var id = "sub" + (nextSubscription++);
      subscriptions[id] = {topic: topic, callback: callback};
      return id;
    },
    unsubscribe: function (id) { delete subscriptions[id]; },
    publish: function (topic, data) {
      if (window.parent === window) { deliver(topic, data); return; }  // opened on its own
      window.parent.postMessage({cdHub: "publish", topic: topic, data: data}, "*");
    },
    isConnected: function () { return true; }
  };

  // setprefs: user prefs, and messages for the agent's language.
  gadgets.Prefs = function () {};
  gadgets.Prefs.prototype = {
    getString: function (name) {
      var value = userPrefs()[name];
      return value === undefined || value === null ? "" : String(value);
    },
    getInt: function (name) { return parseInt(this.getString(name), 10) || 0; },
    getBool: function (name) { return /^(true|1)$/i.test(this.getString(name)); },
    getMsg: function (key) { return settings.messages[key] || ""; },
    getLang: function () { return settings.lang; },
    getCountry: function () { return ""; },
    set: function (name, value) { settings.prefs[name] = String(value); }
  };

  gadgets.util = {
    getUrlParameters: urlParameters,
    registerOnLoadHandler: function (callback) {
      if (document.readyState === "complete") { setTimeout(callback, 0); } else {
        window.addEventListener("load", callback);
      }
    }
  };

  // dynamic-height and settitle. Like Finesse, adjustHeight measures the document as it is
  // now, and does nothing while the gadget's tab is hidden (the container says so).
  gadgets.window = {
    adjustHeight: function (height) {
      // The body's own height, not the frame's: a frame never measures smaller than itself.
      var style = document.body ? window.getComputedStyle(document.body) : null;
      var measured = height || (style ? Math.ceil(document.body.offsetHeight +
        parseFloat(style.marginTop) + parseFloat(style.marginBottom)) : 0);
      tell("adjustHeight", measured);
    },
    setTitle: function (title) { tell("setTitle", String(title)); },
    getViewportDimensions: function () {
      return {width: window.innerWidth, height: window.innerHeight};
    }
  };

  gadgets.loadingindicator = {
    dismiss: function () { tell("loadingDismissed"); }
  };

  // io: Finesse proxies these through its server; here they go straight out, with CORS.
  gadgets.io = {
    RequestParameters: {METHOD: "METHOD", CONTENT_TYPE: "CONTENT_TYPE", POST_DATA: "POST_DATA",
                        HEADERS: "HEADERS", AUTHORIZATION: "AUTHORIZATION"},
    MethodType: {GET: "GET", POST: "POST", PUT: "PUT", DELETE: "DELETE"},
    ContentType: {TEXT: "TEXT", JSON: "JSON", DOM: "DOM"},
    makeRequest: function (url, callback, params) {
      params = params || {};
      var P = gadgets.io.RequestParameters;
      var type = params[P.CONTENT_TYPE] || "TEXT";
      fetch(url, {method: params[P.METHOD] || "GET", headers: params[P.HEADERS] || {},
                  body: params[P.POST_DATA], credentials: "omit"})
        .then(function (response) {
          return response.text().then(function (text) {
            var result = {rc: response.status, text: text, data: text, errors: [],
                          headers: {}};
            response.headers.forEach(function (value, key) { result.headers[key] = [value]; });
            try {
              if (type === "JSON") { result.data = JSON.parse(text); }
              if (type === "DOM") {
                result.data = new DOMParser().parseFromString(text, "application/xml");
              }
            } catch (error) {
              result.errors.push(String(error));
            }
            if (response.status >= 400) { result.errors.push("HTTP " + response.status); }
            callback(result);
          });
        }, function (error) {
          callback({rc: 500, text: "", data: null, errors: [String(error)], headers: {}});
        });
    }
  };
}());
