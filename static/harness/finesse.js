/*
 * A stand-in for Cisco's finesse.js (F4), written for Context Desk's harness: Cisco's own file
 * may not be shipped. It implements the parts a gadget such as ours uses, with the names and
 * callback shapes of Finesse 11.5 to 12.6's JavaScript library:
 *
 *   finesse.gadget.Config                     id, authorization, authToken, locale, host, ...
 *   finesse.clientservices.ClientServices     init(config, false), registerOnConnectHandler, ...
 *   finesse.restservices.User                 new User({id, onLoad, onChange, onError}),
 *                                             getDialogs(handlers), getMediaList(handlers)
 *   finesse.restservices.Dialogs / Dialog     getCollection(), addHandler("change", fn),
 *                                             getFromAddress(), getParticipants(), ...
 *   finesse.restservices.MediaList / Media    getMedia({id, onLoad, onError, mediaOptions}),
 *                                             getMediaDialogs(handlers)
 *   finesse.restservices.MediaDialogs / MediaDialog
 *   finesse.containerservices.ContainerServices  init(), addHandler(Topics.ACTIVE_TAB, fn)
 *   finesse.cslogger.ClientLogger             init(hub, id), log(message)
 *
 * The User is read from the Finesse REST API (the harness's mock answers it, checking the
 * agent's credentials). Dialogs come from the harness's mock Finesse server of the agent (the
 * control panel), where real Finesse sends them as notifications. As in Finesse, every
 * Media's MediaDialogs collection hears about the dialogs of all media: a gadget tells them
 * apart by `getMediaProperties().mediaId`.
 */
var finesse = window.finesse || {};

(function () {
  "use strict";

  function later(fn) {
    var args = Array.prototype.slice.call(arguments, 1);
    if (typeof fn === "function") { setTimeout(function () { fn.apply(null, args); }, 0); }
  }

  function server() {
    var found = window.gadgets && gadgets.container && gadgets.container.finesse();
    if (!found) { throw new Error("finesse.js (harness): no mock Finesse server for this frame"); }
    return found;
  }

  function asArray(value) {
    if (value === undefined || value === null) { return []; }
    return Array.isArray(value) ? value : [value];
  }

  function copy(data) { return JSON.parse(JSON.stringify(data)); }

  // finesse.gadget.Config: what the container's prefs say about the agent and the server.
  var prefs = new gadgets.Prefs();
  var CONFIG_KEYS = ["id", "authorization", "authToken", "host", "hostPort", "scheme",
                     "restHost", "locale", "extension", "teamId", "teamName", "systemAuthMode",
                     "clientDriftInMillis"];
  finesse.gadget = finesse.gadget || {};
  finesse.gadget.Config = {};
  CONFIG_KEYS.forEach(function (key) { finesse.gadget.Config[key] = prefs.getString(key); });
  finesse.gadget.Config.clientDriftInMillis = prefs.getInt("clientDriftInMillis");

  // finesse.cslogger

  finesse.cslogger = {ClientLogger: {
    id: "gadget",
    init: function (hub, id) { this.id = id || this.id; },
    log: function (message) { if (window.console) { console.debug("[" + this.id + "] " + message); } }
  }};

  // finesse.clientservices

  var connectHandlers = [];
  finesse.clientservices = {ClientServices: {
    config: null,
    init: function (config) { this.config = config; },
    registerOnConnectHandler: function (handler) {
      connectHandlers.push(handler);
      later(handler);  // the harness is always connected
    },
    registerOnDisconnectHandler: function () {},
    setLogger: function () {},
    getFinesseServerUrl: function () {
      var config = finesse.gadget.Config;
      return config.scheme + "://" + config.host + ":" + config.hostPort;
    }
  }};

  // finesse.restservices: a RestBase with handlers, as the real library has

  function RestBase() {}
  RestBase.prototype = {
    _init: function (data) { this._data = data; this._handlers = {}; this._loaded = true; },
    getId: function () { return this._data.id; },
    getData: function () { return this._data; },
    isLoaded: function () { return this._loaded; },
    addHandler: function (type, callback) {
      (this._handlers[type] = this._handlers[type] || []).push(callback);
    },
    removeHandler: function (type, callback) {
      this._handlers[type] = (this._handlers[type] || []).filter(function (h) {
        return h !== callback;
      });
    },
    _notify: function (type, argument) {
      (this._handlers[type] || []).slice().forEach(function (handler) { handler(argument); });
    },
    refresh: function () {}
  };

  function extend(Constructor, methods) {
    Constructor.prototype = Object.create(RestBase.prototype);
    Constructor.prototype.constructor = Constructor;
    Object.keys(methods).forEach(function (name) { Constructor.prototype[name] = methods[name]; });
    return Constructor;
  }

  var Dialog = extend(function Dialog(data) { this._init(data); }, {
    getFromAddress: function () { return this._data.fromAddress; },
    getToAddress: function () { return this._data.toAddress; },
    getMediaType: function () { return this._data.mediaType; },
    getState: function () { return this._data.state; },
    getParticipants: function () { return asArray(this._data.participants.Participant); },
    /** Call variables flattened beside the other properties, as Finesse's getMediaProperties. */
    getMediaProperties: function () {
      var properties = {};
      var media = this._data.mediaProperties || {};
      Object.keys(media).forEach(function (key) {
        if (key !== "callvariables") { properties[key] = media[key]; }
      });
      var variables = media.callvariables ? asArray(media.callvariables.CallVariable) : [];
      variables.forEach(function (variable) { properties[variable.name] = variable.value; });
      return properties;
    },
    getParticipantTimerCounters: function () { return {}; }
  });
  Dialog.States = {ALERTING: "ALERTING", INITIATING: "INITIATING", ACTIVE: "ACTIVE",
                   DROPPED: "DROPPED", INITIATED: "INITIATED", FAILED: "FAILED",
                   ACCEPTED: "ACCEPTED"};
  Dialog.ParticipantStates = {ALERTING: "ALERTING", INITIATING: "INITIATING", ACTIVE: "ACTIVE",
                              DROPPED: "DROPPED", HELD: "HELD", INITIATED: "INITIATED",
                              FAILED: "FAILED", WRAP_UP: "WRAP_UP", ACCEPTED: "ACCEPTED"};

  /** A chat or email task: a Dialog with task actions. */
  function MediaDialog(data) { this._init(data); }
  MediaDialog.prototype = Object.create(Dialog.prototype);
  MediaDialog.prototype.constructor = MediaDialog;
  MediaDialog.prototype.getMediaId = function () { return this._data.mediaProperties.mediaId; };
  /** ACCEPT, START, PAUSE, RESUME, WRAP_UP, CLOSE, as the agent's buttons would. */
  MediaDialog.prototype.setTaskState = function (action, handlers) {
    handlers = handlers || {};
    try {
      server().taskAction(this.getId(), action);
      later(handlers.success, {status: 202});
    } catch (error) {
      later(handlers.error, {status: 400, content: String(error.message)});
    }
  };
  MediaDialog.States = {OFFERED: "OFFERED", ACCEPTED: "ACCEPTED", ACTIVE: "ACTIVE",
                        PAUSED: "PAUSED", WRAPPING_UP: "WRAPPING_UP",
                        INTERRUPTED: "INTERRUPTED", CLOSED: "CLOSED"};
  MediaDialog.TaskActions = {ACCEPT: "ACCEPT", START: "START", PAUSE: "PAUSE", RESUME: "RESUME",
                             WRAP_UP: "WRAP_UP", CLOSE: "CLOSE"};

  /** A collection kept current from the mock server's events of one kind. */
  function Collection(kind, Item, options, accept) {
    var collection = this;
    collection._init({id: kind});
    collection._collection = {};
    collection._Item = Item;
    collection._accept = accept || function () { return true; };
    options = options || {};
    if (options.onCollectionAdd) { collection.addHandler("collectionAdd", options.onCollectionAdd); }
    if (options.onCollectionDelete) {
      collection.addHandler("collectionDelete", options.onCollectionDelete);
    }
    server().list(kind).filter(collection._accept).forEach(function (data) {
      collection._collection[data.id] = new Item(copy(data));
    });
    server().subscribe(kind, function (action, data) { collection._apply(action, data); },
                       window);
    later(options.onLoad, collection);
  }
  Collection.prototype = Object.create(RestBase.prototype);
  Collection.prototype.getCollection = function () { return this._collection; };
  Collection.prototype._apply = function (action, data) {
    if (!this._accept(data)) { return; }
    var item = this._collection[data.id];
    if (action === "add" && !item) {
      item = this._collection[data.id] = new this._Item(copy(data));
      this._notify("collectionAdd", item);
    } else if (action === "change" && item) {
      item._data = copy(data);
      item._notify("change", item);
    } else if (action === "delete" && item) {
      item._data = copy(data);
      delete this._collection[data.id];
      this._notify("collectionDelete", item);
    }
  };

  var Dialogs = function Dialogs(options) { Collection.call(this, "dialog", Dialog, options); };
  Dialogs.prototype = Object.create(Collection.prototype);
  var MediaDialogs = function MediaDialogs(options) {
    Collection.call(this, "mediaDialog", MediaDialog, options);
  };
  MediaDialogs.prototype = Object.create(Collection.prototype);

  var Media = extend(function Media(data) { this._init(data); }, {
    getMediaId: function () { return this._data.id; },
    getName: function () { return this._data.name; },
    getState: function () { return this._data.state; },
    getRoutable: function () { return this._data.routable; },
    isLoggedIn: function () { return this._data.state !== Media.States.LOGOUT; },
    getMaxDialogLimit: function () { return this._data.maxDialogLimit; },
    getMediaDialogs: function (options) { return new MediaDialogs(options); }
  });
  Media.States = {LOGOUT: "LOGOUT", NOT_READY: "NOT_READY", READY: "READY",
                  RESERVED: "RESERVED", WORK: "WORK", INTERRUPTED: "INTERRUPTED"};

  var MediaList = extend(function MediaList(options) {
    this._init({id: "MediaList"});
    later((options || {}).onLoad, this);
  }, {
    getMedia: function (options) {
      var found = server().list("media").filter(function (media) {
        return String(media.id) === String(options.id);
      })[0];
      if (!found) {
        later(options.onError, {status: 404, content: "<ApiErrors><ApiError><ErrorType>" +
          "Not Found</ErrorType></ApiError></ApiErrors>", object: null});
        return null;
      }
      var media = new Media(copy(found));
      if (options.mediaOptions) { media._data.options = copy(options.mediaOptions); }
      if (options.onChange) { media.addHandler("change", options.onChange); }
      server().subscribe("media", function (action, data) {
        if (String(data.id) === String(media.getId())) {
          media._data = copy(data);
          media._notify("change", media);
        }
      }, window);
      later(options.onLoad, media);
      return media;
    },
    getCollection: function () { return {}; }
  });

  function text(xml, tag) {
    var node = xml.getElementsByTagName(tag)[0];
    return node ? node.textContent : "";
  }

  var User = extend(function User(options) {
    var user = this;
    options = options || {};
    user._init({id: options.id});
    user._loaded = false;
    if (options.onChange) { user.addHandler("change", options.onChange); }
    var config = finesse.gadget.Config;
    var authorization = config.systemAuthMode === "SSO" ?
      "Bearer " + config.authToken : "Basic " + config.authorization;
    fetch(finesse.clientservices.ClientServices.getFinesseServerUrl() + "/finesse/api/User/" +
          encodeURIComponent(options.id), {headers: {Authorization: authorization},
                                           credentials: "omit"})
      .then(function (response) {
        return response.text().then(function (body) {
          if (!response.ok) {
            later(options.onError, {status: response.status, content: body, object: null});
            return;
          }
          var xml = new DOMParser().parseFromString(body, "application/xml");
          user._data = {id: text(xml, "loginId"), loginName: text(xml, "loginName"),
                        firstName: text(xml, "firstName"), lastName: text(xml, "lastName"),
                        extension: text(xml, "extension"), state: text(xml, "state"),
                        teamId: text(xml, "teamId"), teamName: text(xml, "teamName")};
          user._loaded = true;
          later(options.onLoad, user);
        });
      }, function (error) {
        later(options.onError, {status: 0, content: String(error), object: null});
      });
  }, {
    getExtension: function () { return this._data.extension; },
    getFirstName: function () { return this._data.firstName; },
    getLastName: function () { return this._data.lastName; },
    getFullName: function () { return this._data.firstName + " " + this._data.lastName; },
    getState: function () { return this._data.state; },
    getTeamId: function () { return this._data.teamId; },
    getTeamName: function () { return this._data.teamName; },
    getDialogs: function (options) { return new Dialogs(options); },
    getMediaList: function (options) { return new MediaList(options); }
  });

  finesse.restservices = {User: User, Dialogs: Dialogs, Dialog: Dialog,
                          MediaList: MediaList, Media: Media, MediaDialogs: MediaDialogs,
                          MediaDialog: MediaDialog};

  // finesse.containerservices: the active tab arrives on the hub, as in Finesse.

  var Topics = {ACTIVE_TAB: "finesse.containerservices.activeTab"};
  var ContainerServices = {
    Topics: Topics,
    init: function () { return ContainerServices; },
    addHandler: function (topic, callback) {
      return gadgets.Hub.subscribe(topic, function (name, data) { callback(data); });
    },
    removeHandler: function (topic, id) { gadgets.Hub.unsubscribe(id); },
    /** Asks the container to say whether this gadget's tab is the active one. */
    makeActiveTabReq: function () { server().activeTabRequest(); },
    activateMyTab: function () { server().activateTab(); },
    getMyGadgetId: function () {
      return window.frameElement ? window.frameElement.id : "gadget";
    },
    showMyGadgetNotification: function () {},
    hideMyGadgetNotification: function () {}
  };
  finesse.containerservices = {ContainerServices: ContainerServices, Topics: Topics};

  finesse.modules = finesse.modules || {};
  window.finesse = finesse;
}());
