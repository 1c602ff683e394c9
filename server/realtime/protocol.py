"""The live-event protocol as plain functions: what a browser may say, and which of this
process's sockets an event goes to (C3, API.md "Live events")."""

import json

KINDS = ("customer", "request", "activity")


def customer_key(task_id):
    """Where a customer's chat socket is filed among the sockets: a tuple, so that no agent id
    (a string from a browser or from Finesse) can ever equal it (O5)."""
    return ("chat", str(task_id))


CLIENT_TYPES = ("watch", "unwatch", "typing")
MAX_ID = 40
MAX_FIELD = 60


class BadMessage(ValueError):
    """A browser message the socket does not understand; it is answered, not obeyed."""


def parse_client_message(text):
    """A browser's message as {"type", "kind", "id"[, "field"]}, or BadMessage."""
    try:
        message = json.loads(text)
    except (TypeError, ValueError):
        raise BadMessage("Messages are JSON objects.") from None
    if not isinstance(message, dict) or message.get("type") not in CLIENT_TYPES:
        raise BadMessage(f"The type must be one of {', '.join(CLIENT_TYPES)}.")
    kind, record_id = message.get("kind"), message.get("id")
    if kind not in KINDS:
        raise BadMessage(f"The kind must be one of {', '.join(KINDS)}.")
    if isinstance(record_id, int) and not isinstance(record_id, bool):
        record_id = str(record_id)
    if not isinstance(record_id, str) or not record_id or len(record_id) > MAX_ID:
        raise BadMessage("The id must be a record id.")
    parsed = {"type": message["type"], "kind": kind, "id": record_id}
    if message["type"] == "typing":
        field = message.get("field")
        if not isinstance(field, str) or not field or len(field) > MAX_FIELD:
            raise BadMessage("Typing names the field.")
        parsed["field"] = field
    return parsed


def recipients(event, watchers, by_agent):
    """Which sockets get `event`, and what each is sent: a list of (connection, message).

    `watchers` maps (kind, id) to the sockets that have that record on screen; `by_agent` maps
    an agent id to that agent's sockets. A `changed` event goes to the record's watchers but
    not to the agent who made the change; `journey` (a new entry that edits no record on
    screen) to the customer's watchers; `presence` to the customer's watchers, each without
    themselves in the list; an event addressed to an agent with `"to"` (`interaction`, `offer`,
    `state`, `message`) only to that agent's sockets; one addressed `"to_chat": task id` only
    to that chat's customer (D9, O5); `queue` (no content: "reload the queue") to every agent's
    socket, since every agent may see the queue (D2).
    """
    if event.get("to"):
        return [(connection, event) for connection in by_agent.get(event["to"], ())]
    if event.get("to_chat"):
        return [
            (connection, event) for connection in by_agent.get(customer_key(event["to_chat"]), ())
        ]
    kind = event.get("type")
    if kind == "queue":
        return [
            (connection, event)
            for holder, connections in by_agent.items()
            if isinstance(holder, str)  # agents only, not customers' chat sockets
            for connection in connections
        ]
    if kind == "changed":
        key = (event.get("kind"), str(event.get("id")))
        return [
            (connection, event)
            for connection in watchers.get(key, ())
            if connection.agent_id != event.get("by")
        ]
    if kind == "journey":
        key = ("customer", str(event.get("customer_id")))
        return [(connection, event) for connection in watchers.get(key, ())]
    if kind == "presence":
        key = ("customer", str(event.get("id")))
        return [
            (
                connection,
                {
                    **event,
                    "agents": [
                        agent
                        for agent in event.get("agents", ())
                        if agent["id"] != connection.agent_id
                    ],
                },
            )
            for connection in watchers.get(key, ())
        ]
    return []
