/*
 * The mock Finesse desktop (F4): agent panels, each with its agent's mock Finesse server
 * (dialogs, chat and email media) and the gadget rendered in an iframe by the harness's
 * container. The gadget's frame reaches this page through `window.CDHarness` (gadgets.js and
 * the finesse.js stand-in run there); tests read the same object.
 */
(function () {
  "use strict";

  var ACTIVE_TAB = "finesse.containerservices.activeTab";
  var MEDIA = [{id: "5000", name: "Chat", medium: "chat"},
               {id: "5001", name: "Email", medium: "email"}];
  var MAX_PANELS = 3;

  function now() { return new Date().toISOString(); }
  function copy(data) { return JSON.parse(JSON.stringify(data)); }
  // Unique across reloads of this page: the service records each dialog id once.
  function uniqueDigits() { return String(Date.now()).slice(-7) + String(Math.random()).slice(2, 5); }

  /** One agent's Finesse server as the gadget sees it: dialogs, media and their events. */
  function MockFinesse(agentId, extension, panel) {
    this.agentId = agentId;
    this.extension = extension;
    this.panel = panel;
    this.dialogs = {};
    this.mediaDialogs = {};
    this.media = {};
    this.listeners = [];
    var self = this;
    MEDIA.forEach(function (media) {
      self.media[media.id] = {id: media.id, name: media.name, state: "READY", routable: true,
                              maxDialogLimit: 5};
    });
  }

  MockFinesse.prototype = {
    list: function (kind) {
      var source = {dialog: this.dialogs, mediaDialog: this.mediaDialogs, media: this.media}[kind];
      return Object.keys(source).map(function (id) { return copy(source[id]); });
    },
    /** A listener lives as long as the gadget page that registered it (not past a reload). */
    subscribe: function (kind, callback, frameWindow) {
      this.listeners.push({kind: kind, callback: callback, frame: frameWindow,
                           page: frameWindow.document});
    },
    emit: function (kind, action, data) {
      this.listeners = this.listeners.filter(function (listener) {
        try {
          return !listener.frame.closed && listener.frame.document === listener.page;
        } catch (error) {
          return false;  // the frame is gone
        }
      });
      this.listeners.forEach(function (listener) {
        if (listener.kind !== kind) { return; }
        try {
          listener.callback(action, copy(data));
        } catch (error) {
          // An error in the gadget's own handler, as in Finesse: the desktop goes on.
          if (window.console) { console.error("gadget handler failed", error); }
        }
      });
      this.panel.renderDialogs();
    },
    _agentParticipant: function (dialog) {
      var self = this;
      return dialog.participants.Participant.filter(function (p) {
        return p.mediaAddress === self.extension || p.mediaAddress === self.agentId;
      })[0];
    },

    // Voice: inbound ALERTING -> ACTIVE -> DROPPED (then gone from the collection).

    call: function (number) {
      var id = uniqueDigits();
      this.dialogs[id] = {
        id: id, uri: "/finesse/api/Dialog/" + id, mediaType: "Voice", state: "ALERTING",
        fromAddress: number, toAddress: this.extension,
        mediaProperties: {DNIS: this.extension, dialedNumber: this.extension,
                          callType: "ACD_IN", queueName: "Support", queueNumber: "6001",
                          callvariables: {CallVariable: [{name: "callVariable1", value: ""},
                                                         {name: "callVariable2", value: ""}]}},
        participants: {Participant: [
          {mediaAddress: number, mediaAddressType: "", state: "ACTIVE", startTime: now(),
           actions: {action: []}},
          {mediaAddress: this.extension, mediaAddressType: "AGENT_DEVICE", state: "ALERTING",
           startTime: now(), actions: {action: ["ANSWER"]}}]}
      };
      this.emit("dialog", "add", this.dialogs[id]);
      return id;
    },
    answer: function (id) {
      var dialog = this.dialogs[id];
      dialog.state = "ACTIVE";
      var mine = this._agentParticipant(dialog);
      mine.state = "ACTIVE";
      mine.actions = {action: ["HOLD", "DROP"]};
      this.emit("dialog", "change", dialog);
    },
    drop: function (id) {
      var dialog = this.dialogs[id];
      dialog.state = "DROPPED";
      dialog.participants.Participant.forEach(function (p) {
        p.state = "DROPPED";
        p.actions = {action: []};
      });
      this.emit("dialog", "change", dialog);
      delete this.dialogs[id];
      this.emit("dialog", "delete", dialog);
    },

    // Chat and email: OFFERED -> ACCEPTED -> ACTIVE -> CLOSED (then gone).

    task: function (mrdId, from, subject) {
      var id = mrdId + "_" + uniqueDigits() + "_" + this.agentId;
      var properties = {mediaId: mrdId, callvariables: {CallVariable: [
        {name: "callVariable1", value: from}]}};
      if (subject) { properties.subject = subject; }
      this.mediaDialogs[id] = {
        id: id, uri: "/finesse/api/Media/" + mrdId + "/Dialog/" + id,
        mediaType: this.media[mrdId].name, state: "OFFERED", fromAddress: from,
        toAddress: this.agentId, mediaProperties: properties,
        participants: {Participant: [{mediaAddress: this.agentId, mediaAddressType: "AGENT",
                                      state: "OFFERED", startTime: now(),
                                      actions: {action: ["ACCEPT"]}}]}
      };
      this.setMediaState(mrdId, "RESERVED");
      this.emit("mediaDialog", "add", this.mediaDialogs[id]);
      return id;
    },
    taskAction: function (id, action) {
      var dialog = this.mediaDialogs[id];
      if (!dialog) { throw new Error("no dialog " + id); }
      if (action === "ACCEPT") { this.accept(id); } else if (action === "CLOSE") {
        this.close(id);
      } else {
        throw new Error("the harness does not play " + action);
      }
    },
    _taskState: function (dialog, state, actions) {
      dialog.state = state;
      dialog.participants.Participant[0].state = state;
      dialog.participants.Participant[0].actions = {action: actions};
      this.emit("mediaDialog", "change", dialog);
    },
    accept: function (id) {
      var dialog = this.mediaDialogs[id];
      this._taskState(dialog, "ACCEPTED", ["START", "CLOSE"]);
      this.setMediaState(dialog.mediaProperties.mediaId, "WORK");
      this._taskState(dialog, "ACTIVE", ["PAUSE", "WRAP_UP", "CLOSE"]);
    },
    close: function (id) {
      var dialog = this.mediaDialogs[id];
      this._taskState(dialog, "CLOSED", []);
      delete this.mediaDialogs[id];
      this.emit("mediaDialog", "delete", dialog);
      this.setMediaState(dialog.mediaProperties.mediaId, "READY");
    },
    setMediaState: function (mrdId, state) {
      this.media[mrdId].state = state;
      this.emit("media", "change", this.media[mrdId]);
    },

    // ContainerServices

    activeTabRequest: function () { this.panel.announceActiveTab(); },
    activateTab: function () { this.panel.showTab("customers"); }
  };

  /** One agent's desktop: sign-in, customer controls, tabs and the gadget's iframe. */
  function Panel(number, root) {
    this.number = String(number);
    this.root = root;
    this.session = null;
    this.finesse = null;
    this.heights = [];       // every adjustHeight call: {height, applied}
    this.activeTabs = 0;     // ACTIVE_TAB notifications sent to the gadget
    this.loads = 0;          // times the gadget's page loaded
    this.title = "";
    this.dismissed = false;
    root.setAttribute("data-panel", this.number);
    root.setAttribute("aria-label", "Agent panel " + this.number);
    this.$("h2").textContent = "Agent panel " + this.number;
    this.$("[name=agent]").selectedIndex = (number - 1) % this.$("[name=agent]").options.length;
    this.bind();
  }

  Panel.prototype = {
    $: function (selector) { return this.root.querySelector(selector); },
    bind: function () {
      var self = this;
      this.$("[data-role=signin]").addEventListener("submit", function (event) {
        event.preventDefault();
        self.signIn();
      });
      this.root.addEventListener("click", function (event) {
        var button = event.target.closest("button");
        if (!button) { return; }
        var action = button.getAttribute("data-action");
        var tab = button.getAttribute("data-tab");
        if (tab) { self.showTab(tab); }
        if (action === "sign-out") { self.signOut(); }
        if (action === "reload") { self.loadGadget(); }
        if (action === "call") {
          var number = self.$("[name=hidden]").checked ? "" : self.$("[name=number]").value.trim();
          self.finesse.call(number);
        }
        if (action === "task") {
          var medium = self.$("[name=medium]").value;
          var mrd = MEDIA.filter(function (m) { return m.medium === medium; })[0].id;
          self.finesse.task(mrd, self.$("[name=address]").value.trim(),
                            self.$("[name=subject]").value.trim());
        }
        var id = button.getAttribute("data-dialog");
        if (action === "answer") { self.finesse.answer(id); }
        if (action === "drop") { self.finesse.drop(id); }
        if (action === "accept") { self.finesse.accept(id); }
        if (action === "close") { self.finesse.close(id); }
      });
    },

    signIn: function () {
      var self = this;
      var form = this.$("[data-role=signin]");
      var agent = form.agent.value;
      var password = form.password.value;
      var sso = form.auth.value === "sso";
      var error = this.$(".hx-error");
      error.hidden = true;
      var credentials = sso ? fetch("/harness/sso-token", {
        method: "POST", headers: {"Content-Type": "application/json"},
        body: JSON.stringify({id: agent, password: password})
      }).then(function (response) {
        if (!response.ok) { throw new Error("The mock identity provider refused (HTTP " + response.status + ")."); }
        return response.json();
      }).then(function (body) { return {authToken: body.token}; }) :
        Promise.resolve({authorization: btoa(agent + ":" + password)});
      credentials.then(function (creds) {
        var header = creds.authToken ? "Bearer " + creds.authToken : "Basic " + creds.authorization;
        // Finesse's own sign-in check: the mock REST API answers for the agent's credentials.
        // credentials "omit": a 401 then never opens the browser's own password prompt.
        return fetch("/finesse/api/User/" + encodeURIComponent(agent),
                     {headers: {Authorization: header}, credentials: "omit"})
          .then(function (response) {
          if (!response.ok) {
            throw new Error("Finesse refused the sign-in (HTTP " + response.status + "): " +
                            "check the agent and password.");
          }
          return response.text();
        }).then(function (xml) {
          var doc = new DOMParser().parseFromString(xml, "application/xml");
          var extension = doc.getElementsByTagName("extension")[0].textContent;
          self.session = {agent: agent, extension: extension, locale: form.locale.value,
                          sso: sso, creds: creds};
          self.finesse = new MockFinesse(agent, extension, self);
          self.$("[data-role=who]").textContent = "Signed in as " + agent + " (extension " +
            extension + ", " + form.locale.value + ")";
          form.hidden = true;
          self.$("[data-role=desktop]").hidden = false;
          self.renderDialogs();
          self.showTab("customers");
          self.loadGadget();
          self.loadSideGadget();
        });
      }).catch(function (problem) {
        error.textContent = problem.message;
        error.hidden = false;
      });
    },

    signOut: function () {
      this.session = null;
      this.finesse = null;
      this.$("[data-role=gadget]").innerHTML = "";
      this.$("[data-role=side-gadget]").innerHTML = "";
      this.$("[data-role=desktop]").hidden = true;
      this.$("[data-role=signin]").hidden = false;
    },

    /** The prefs Finesse's container gives the gadget: who is signed in, and how. */
    prefs: function () {
      var s = this.session;
      if (!s) { return {}; }
      var prefs = {id: s.agent, extension: s.extension, locale: s.locale,
                   authorization: s.creds.authorization || "", authToken: s.creds.authToken || "",
                   systemAuthMode: s.sso ? "SSO" : "NON_SSO", teamId: "1", teamName: "Default",
                   restHost: window.location.hostname, clientDriftInMillis: "0"};
      // The agent's own gadget preferences (Finesse keeps them per user), set by tests.
      var own = this.userPrefs || {};
      Object.keys(own).forEach(function (key) { prefs[key] = own[key]; });
      return prefs;
    },

    loadGadget: function () {
      var holder = this.$("[data-role=gadget]");
      holder.innerHTML = "";
      this.dismissed = false;
      var frame = document.createElement("iframe");
      var url = document.querySelector(".hx-panels").getAttribute("data-gadget-url");
      frame.src = "/harness/gadgets/ifr?url=" + encodeURIComponent(url) + "&lang=" +
        encodeURIComponent(this.session.locale.split("_")[0]) + "&panel=" + this.number;
      frame.id = "gadget-" + this.number;
      frame.title = "Customer Context gadget";
      frame.className = "hx-gadget";
      frame.setAttribute("data-panel", this.number);
      holder.appendChild(frame);
    },

    /** Another gadget of the desktop, on its Home tab: a sample CRM gadget that pushes into
     *  ours over the hub (F5). Its file comes from the service's PUBLIC_URL, so it is another
     *  origin than the harness whenever the harness is opened by another name. */
    loadSideGadget: function () {
      var url = document.querySelector(".hx-panels").getAttribute("data-side-gadget-url");
      var holder = this.$("[data-role=side-gadget]");
      if (!url || !holder) { return; }
      var frame = document.createElement("iframe");
      frame.src = "/harness/gadgets/ifr?url=" + encodeURIComponent(url) + "&lang=en&panel=" +
        this.number;
      frame.id = "side-gadget-" + this.number;
      frame.title = "CRM sample gadget";
      frame.className = "hx-side-gadget";
      frame.setAttribute("data-panel", this.number);
      frame.setAttribute("data-side-gadget", "");
      holder.innerHTML = "";
      holder.appendChild(frame);
    },

    frame: function () { return this.$("iframe.hx-gadget"); },

    showTab: function (name) {
      var self = this;
      this.root.querySelectorAll("[data-tab]").forEach(function (tab) {
        tab.setAttribute("aria-selected", String(tab.getAttribute("data-tab") === name));
      });
      this.root.querySelectorAll("[data-tabpanel]").forEach(function (panel) {
        panel.hidden = panel.getAttribute("data-tabpanel") !== name;
      });
      if (name === "customers") { setTimeout(function () { self.announceActiveTab(); }, 0); }
    },

    gadgetTabVisible: function () { return !this.$("[data-tabpanel=customers]").hidden; },

    /** The hub (F5): a message on a topic reaches every gadget of this desktop, by
     *  postMessage, as the managed hub of Finesse's container hands it on. */
    publish: function (topic, data) {
      this.root.querySelectorAll("iframe[data-panel]").forEach(function (frame) {
        deliverTo(frame, topic, data);
      });
    },

    /** Whether a window is one of this desktop's gadgets (a hub message came from it). */
    owns: function (source) {
      return Array.prototype.some.call(this.root.querySelectorAll("iframe[data-panel]"),
                                       function (frame) { return frame.contentWindow === source; });
    },

    /** ACTIVE_TAB on the gadget's hub, when its tab is the one showing. */
    announceActiveTab: function () {
      var frame = this.frame();
      if (frame && frame.contentWindow && this.gadgetTabVisible()) {
        this.activeTabs += 1;
        deliverTo(frame, ACTIVE_TAB, frame.id);
      }
    },

    adjustHeight: function (height) {
      var applied = this.gadgetTabVisible();
      // Finesse measures nothing in a hidden tab: the gadget must ask again on ACTIVE_TAB.
      if (applied) { this.frame().style.height = height + "px"; }
      this.heights.push({height: height, applied: applied});
      this.log();
    },

    log: function () {
      this.$("[data-role=log]").textContent = "Gadget: loaded " + this.loads + "×, " +
        "adjustHeight " + this.heights.length + "× (last " +
        (this.heights.length ? this.heights[this.heights.length - 1].height + " px" : "none") +
        "), ACTIVE_TAB " + this.activeTabs + "×" + (this.dismissed ? ", ready" : "");
    },

    renderDialogs: function () {
      var list = this.$("[data-role=dialogs]");
      list.innerHTML = "";
      if (!this.finesse) { return; }
      var rows = this.finesse.list("dialog").map(function (d) {
        return {d: d, label: "Call from " + (d.fromAddress || "a hidden number"),
                actions: d.state === "ALERTING" ? ["answer", "drop"] : ["drop"]};
      }).concat(this.finesse.list("mediaDialog").map(function (d) {
        var medium = d.mediaProperties.mediaId === "5001" ? "Email" : "Chat";
        return {d: d, label: medium + " from " + (d.fromAddress || "unknown"),
                actions: d.state === "OFFERED" ? ["accept", "close"] : ["close"]};
      }));
      rows.forEach(function (row) {
        var item = document.createElement("li");
        item.setAttribute("data-dialog", row.d.id);
        item.setAttribute("data-state", row.d.state);
        item.appendChild(document.createTextNode(row.label + " · " + row.d.state + " "));
        row.actions.forEach(function (action) {
          var button = document.createElement("button");
          button.type = "button";
          button.setAttribute("data-action", action);
          button.setAttribute("data-dialog", row.d.id);
          button.textContent = action.charAt(0).toUpperCase() + action.slice(1);
          button.setAttribute("aria-label", button.textContent + ": " + row.label);
          item.appendChild(button);
        });
        list.appendChild(item);
      });
    }
  };

  function deliverTo(frame, topic, data) {
    if (frame.contentWindow) {
      frame.contentWindow.postMessage({cdHub: "deliver", topic: topic, data: data}, "*");
    }
  }

  var panels = {};
  var template = document.getElementById("hx-panel");

  // A gadget published on the hub: every gadget of its desktop gets it.
  window.addEventListener("message", function (event) {
    var message = event.data;
    if (!message || message.cdHub !== "publish" || typeof message.topic !== "string") { return; }
    Object.keys(panels).forEach(function (number) {
      if (panels[number].owns(event.source)) { panels[number].publish(message.topic, message.data); }
    });
  });
  var container = document.querySelector(".hx-panels");

  function addPanel() {
    var count = Object.keys(panels).length;
    if (count >= MAX_PANELS) { return null; }
    var root = template.content.firstElementChild.cloneNode(true);
    container.appendChild(root);
    var panel = new Panel(count + 1, root);
    panels[panel.number] = panel;
    document.querySelector("[data-action=add-panel]").disabled = count + 1 >= MAX_PANELS;
    return panel;
  }

  document.querySelector("[data-action=add-panel]").addEventListener("click", addPanel);

  /** What gadgets.js and finesse.js in a gadget frame call, by the frame's panel number. */
  window.CDHarness = {
    panels: panels,
    addPanel: addPanel,
    prefsFor: function (panel) { return panels[panel] ? panels[panel].prefs() : {}; },
    finesseFor: function (panel) { return panels[panel] && panels[panel].finesse; },
    adjustHeight: function (panel, height) { panels[panel].adjustHeight(height); },
    setTitle: function (panel, title) {
      panels[panel].title = title;
      panels[panel].$("[data-role=gadget-title]").textContent = title;
    },
    gadgetLoaded: function (panel, title) {
      panels[panel].loads += 1;
      if (!panels[panel].title) { this.setTitle(panel, title); }
      panels[panel].log();
    },
    loadingDismissed: function (panel) {
      panels[panel].dismissed = true;
      panels[panel].log();
    }
  };

  addPanel();
  addPanel();
}());
