/*
 * The gadget's client of the Context Desk API (F3): signs the agent in with the credentials
 * Finesse gives the gadget, keeps the session renewed before it expires, and sends every call
 * with `Authorization: Bearer` (no cookies: the gadget's document is Finesse's origin).
 */
var ContextDeskGadget = window.ContextDeskGadget || {};

ContextDeskGadget.Service = (function () {
  "use strict";

  var REFRESH_AT = 0.75;  // of the session's lifetime, as for Finesse's SSO tokens

  /**
   * options: apiBase, credentials() -> {id, authorization: "Basic …" | "Bearer …"},
   * onToken(token) after every sign-in, log(message).
   */
  function Service(options) {
    this.options = options;
    this.token = null;
    this.pending = null;  // the sign-in under way, shared by everyone who needs it
    this.timer = null;
  }

  /** What a failed response says, for a person: the problem's detail, else a plain message. */
  Service.problemText = function (response, fallback) {
    var body = response.body;
    if (body && typeof body === "object" && body.detail) { return String(body.detail); }
    return fallback;
  };

  Service.prototype = {
    /** {status, body} for any answer; a 401 (session ended early) signs in again, once. */
    request: function (method, path, body, retried) {
      var self = this;
      var headers = {"Accept": "application/json"};
      if (self.token && path !== "/session") { headers.Authorization = "Bearer " + self.token; }
      if (body !== undefined) { headers["Content-Type"] = "application/json"; }
      return fetch(self.options.apiBase + path, {
        method: method, headers: headers, mode: "cors", credentials: "omit",
        body: body === undefined ? undefined : JSON.stringify(body)
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        var parse = type.indexOf("json") >= 0 ?
          response.json().catch(function () { return null; }) : Promise.resolve(null);
        return parse.then(function (data) { return {status: response.status, body: data}; });
      }).then(function (response) {
        if (response.status === 401 && path !== "/session" && !retried) {
          self.options.log("the service answered 401 to " + path + ": signing in again");
          return self.signIn().then(function () {
            return self.request(method, path, body, true);
          });
        }
        return response;
      });
    },

    /** A session for Finesse's credentials; rejects with an Error that has `status`. */
    signIn: function () {
      var self = this;
      if (self.pending) { return self.pending; }
      var credentials = self.options.credentials();
      self.pending = self.request("POST", "/session", {finesse: credentials})
        .then(function (response) {
          if (response.status !== 201) {
            var error = new Error(Service.problemText(response, "HTTP " + response.status));
            error.status = response.status;
            throw error;
          }
          self.token = response.body.token;
          self.scheduleRenewal(response.body.expires_at);
          self.options.log("signed in as " + credentials.id);
          self.options.onToken(self.token);
          return self.token;
        });
      var clear = function () { self.pending = null; };
      self.pending.then(clear, clear);
      return self.pending;
    },

    scheduleRenewal: function (expiresAt) {
      var self = this;
      clearTimeout(self.timer);
      var lifetime = Date.parse(expiresAt) - Date.now();
      if (!(lifetime > 0)) { lifetime = 60 * 1000; }  // a skewed clock: a 401 re-signs anyway
      self.timer = setTimeout(function () {
        self.signIn().catch(function (error) {
          self.options.log("session renewal failed: " + error.message);
        });
      }, Math.max(1000, lifetime * REFRESH_AT));
    }
  };

  return Service;
}());
