/* Context Desk: who else has the customer on screen, and who is typing in which field.
 *
 * Shows the live `presence` events in the customer header's [data-cd-presence]; an "editing"
 * mark fades by itself unless the colleague goes on typing. Tells the service, at most once a
 * second, when the agent types in a field of a record (`typing`, over socket.js).
 */
(function () {
  "use strict";

  var ContextDesk = (window.ContextDesk = window.ContextDesk || {});
  var dom = ContextDesk.dom;
  var TYPING_EVERY = 1000;  // ms between two "typing" messages

  var state = {
    presence: {},  // customer id -> the latest presence event
    lastTyping: 0,
  };

  /** A live `presence` event: who is on this customer now. */
  function received(event) {
    event.agents.forEach(function (agent) {
      if (agent.editing) { agent.editingUntil = Date.now() + agent.editing.editing_for * 1000; }
    });
    state.presence[event.id] = event;
    show(event.id);
  }

  function show(customerId) {
    var event = state.presence[customerId];
    if (!event) { return; }
    dom.recordsOn("customer:" + customerId).forEach(function (card) {
      var place = dom.ownChild(card, "[data-cd-presence]");
      if (!place) { return; }
      place.textContent = "";
      if (!event.agents.length) { dom.adjustHeight(); return; }
      var line = document.createElement("p");
      line.className = "cd-live-here";
      var intro = document.createElement("span");
      intro.textContent = dom.say("here");
      line.appendChild(intro);
      event.agents.forEach(function (agent) {
        var person = document.createElement("span");
        person.className = "cd-live-person";
        person.dataset.agent = agent.id;
        person.textContent = agent.name || agent.id;
        if (agent.editing) {
          person.dataset.editing = agent.editing.field;
          person.textContent += " · " + dom.say("editing", { field: fieldLabel(agent.editing) });
          // The mark fades by itself unless the colleague goes on typing.
          window.setTimeout(function () { fade(customerId, agent.id); },
                            Math.max(0, agent.editingUntil - Date.now()) + 50);
        }
        line.appendChild(person);
      });
      place.appendChild(line);
    });
    dom.adjustHeight();
  }

  function fade(customerId, agentId) {
    var event = state.presence[customerId];
    if (!event) { return; }
    event.agents.forEach(function (agent) {
      if (agent.id === agentId && agent.editing && Date.now() >= agent.editingUntil) {
        agent.editing = null;
      }
    });
    show(customerId);
  }

  function fieldLabel(editing) {
    var record = dom.$('[data-cd-record="' + editing.kind + ":" + editing.id + '"]');
    var input = record && dom.$$("[name]", record).filter(function (candidate) {
      return candidate.name === editing.field;
    })[0];
    return input ? dom.labelOf(input) : editing.field;
  }

  /** The agent typed in a field (an `input` event, captured on the document). */
  function typing(event) {
    var input = event.target;
    if (!event.isTrusted || !input.name || !input.hasAttribute || !input.hasAttribute("data-cd-original")) { return; }
    var element = input.closest("[data-cd-record]");
    if (!element || Date.now() - state.lastTyping < TYPING_EVERY) { return; }
    state.lastTyping = Date.now();
    var record = dom.parseKey(element.dataset.cdRecord);
    ContextDesk.socket.send({ type: "typing", kind: record.kind, id: record.id, field: input.name });
  }

  /** After every render: the customer headers drawn again show who is there. */
  function rendered() { Object.keys(state.presence).forEach(show); }

  ContextDesk.presence = { received: received, typing: typing, rendered: rendered };
})();
