/* The standalone widget page: sign the agent in, then start the widget as the gadget would. */
(function () {
  "use strict";

  var form = document.getElementById("cd-signin");
  var holder = document.getElementById("cd-page-widget");
  var messages = JSON.parse(document.querySelector("[data-context-desk] .cd-messages").textContent);
  var STORE = "context-desk.session";

  function credentials(user, password) {
    if (form.dataset.mode === "finesse") {
      // The same check the gadget makes: Finesse (or the mock Finesse) verifies the agent.
      return { finesse: { id: user, authorization: "Basic " + btoa(unescape(
        encodeURIComponent(user + ":" + password))) } };
    }
    return { local: { username: user, password: password } };
  }

  function begin(session) {
    form.hidden = true;
    holder.hidden = false;
    // Who is signed in, and the way out (a shared desk: the next agent signs in as themselves).
    var agent = session.agent || {};
    document.getElementById("cd-page-agent").textContent = agent.name || agent.id || "";
    document.getElementById("cd-page-who").hidden = false;
    document.getElementById("cd-page-signout").onclick = function () { signOut(session); };
    window.ContextDesk.widget.start({
      apiBase: form.dataset.api, publicUrl: form.dataset.base, token: session.token,
      locale: form.dataset.locale, agent: session.agent,
    });
  }

  /** End the session on the service, forget it in this tab, and show the sign-in again. */
  function signOut(session) {
    var done = function () {
      window.sessionStorage.removeItem(STORE);
      window.location.reload();
    };
    fetch(form.dataset.api + "/session", {
      method: "DELETE", headers: { Authorization: "Bearer " + session.token }, credentials: "omit",
    }).then(done, done);  // offline: the session still ends here, and expires there
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var error = document.getElementById("cd-signin-error");
    error.textContent = "";
    fetch(form.dataset.api + "/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(credentials(form.elements.username.value.trim(),
                                       form.elements.password.value)),
    }).then(function (response) {
      if (response.status === 429) { throw new Error(messages.tooMany); }
      if (!response.ok) { throw new Error(messages.signInFailed); }
      return response.json();
    }).then(function (session) {
      // Kept for this tab only, so a reload does not ask again.
      window.sessionStorage.setItem(STORE, JSON.stringify(session));
      begin(session);
    }).catch(function (problem) {
      error.textContent = problem.message === "Failed to fetch" ? messages.network : problem.message;
    });
  });

  // Choosing a language reloads the page in it (a listener: the CSP allows no onchange=).
  var language = document.getElementById("cd-page-locale");
  if (language) { language.addEventListener("change", function () { language.form.submit(); }); }

  var kept = window.sessionStorage.getItem(STORE);
  if (kept) {
    var session = JSON.parse(kept);
    if (Date.parse(session.expires_at) > Date.now() + 60000) { begin(session); }
  }
})();
