/*
 * The harness's sample CRM gadget (F5): another gadget of the Finesse desktop that pushes a
 * customer or an email into Customer Context by publishing on the hub's `contextdesk.push`
 * topic (payloads in docs/finesse.md), as a real CRM gadget beside ours would.
 */
(function () {
  "use strict";

  var TOPIC = "contextdesk.push";
  var form = document.querySelector("[data-role=crm]");

  function payload(kind) {
    var field = function (name) { return form.elements[name].value.trim(); };
    if (kind === "customer") { return {type: "customer", customer_id: field("customer_id")}; }
    return {type: "activity", medium: "email", id: field("id"),
            identity: {email: field("email")}, subject: field("subject")};
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var kind = event.submitter ? event.submitter.value : "customer";
    gadgets.Hub.publish(TOPIC, payload(kind));
    form.querySelector("[data-role=sent]").textContent = "Sent on " + TOPIC + ".";
  });

  gadgets.HubSettings.onConnect = function () {
    form.querySelector("[data-role=sent]").textContent = "Connected to the hub.";
  };
}());
