"""Presence: which agents have a customer on screen, and who is typing in one of its fields.

Beyond C3: seeing that a colleague has the same customer open, or is typing in the same
request, avoids the collision before the version check has to refuse it. Presence lives in
Redis (a sorted set per customer, scored by when the entry expires), so every web process
sees every agent's; an entry not refreshed in time disappears by itself, so an agent whose
process died does not stay "present" for ever.
"""

import json
import time

from server.inputs import parse_id
from server.models import Activity, Request
from server.services.records import events_channel

PRESENT_FOR = 30  # seconds a watch counts without a refresh; processes refresh every 10
EDITING_FOR = 5  # seconds an agent shows as "editing" after their last keystroke
KEY = "context-desk:presence:customer:"


def _present_key(customer_id):
    return f"{KEY}{customer_id}"


def _editing_key(customer_id):
    return f"{KEY}{customer_id}:editing"


def _seat(agent_id, name, connection_id):
    """One socket's place in a customer's presence set (an agent may have two windows open)."""
    return json.dumps([agent_id, name, connection_id])


def customer_of(kind, record_id):
    """The id of the customer a customer, request or activity belongs to, or None."""
    record_id = parse_id(record_id)
    if record_id is None:
        return None
    if kind == "customer":
        return record_id
    model = {"request": Request, "activity": Activity}.get(kind)
    if model is None:
        return None
    row = model.select(model.customer).where(model.id == record_id).first()
    return row.customer_id if row else None


def arrive(redis, customer_id, agent_id, name, connection_id, at=None):
    """An agent's socket now shows this customer."""
    at = time.time() if at is None else at
    key = _present_key(customer_id)
    pipe = redis.pipeline()
    pipe.zadd(key, {_seat(agent_id, name, connection_id): at + PRESENT_FOR})
    pipe.expire(key, PRESENT_FOR * 2)
    pipe.execute()


def leave(redis, customer_id, agent_id, name, connection_id):
    """The socket no longer shows the customer: it is no longer there, nor typing in it."""
    pipe = redis.pipeline()
    pipe.zrem(_present_key(customer_id), _seat(agent_id, name, connection_id))
    pipe.zrange(_editing_key(customer_id), 0, -1)
    _removed, editing = pipe.execute()
    mine = [entry for entry in editing if json.loads(entry)[0] == agent_id]
    if mine:
        redis.zrem(_editing_key(customer_id), *mine)


def typing(redis, customer_id, agent_id, name, kind, record_id, field, at=None):
    """The agent is typing in `field` of a record of this customer; it shows for EDITING_FOR s."""
    at = time.time() if at is None else at
    key = _editing_key(customer_id)
    # An agent types in one field at a time: the new field replaces the old one.
    earlier = [entry for entry in redis.zrange(key, 0, -1) if json.loads(entry)[0] == agent_id]
    pipe = redis.pipeline()
    if earlier:
        pipe.zrem(key, *earlier)
    pipe.zadd(key, {json.dumps([agent_id, name, kind, str(record_id), field]): at + EDITING_FOR})
    pipe.expire(key, EDITING_FOR * 2)
    pipe.execute()


def agents_on(redis, customer_id, at=None):
    """The agents with this customer on screen, each with what they are editing, if anything.

    `editing_for` is how many seconds the mark stays unless they go on typing, so a browser can
    drop it by itself.
    """
    at = time.time() if at is None else at
    present, editing = _present_key(customer_id), _editing_key(customer_id)
    pipe = redis.pipeline()
    pipe.zremrangebyscore(present, "-inf", at)
    pipe.zremrangebyscore(editing, "-inf", at)
    pipe.zrange(present, 0, -1)
    pipe.zrange(editing, 0, -1, withscores=True)
    *_, seats, edits = pipe.execute()
    agents = {}
    for seat in seats:
        agent_id, name, _connection = json.loads(seat)
        agents.setdefault(agent_id, {"id": agent_id, "name": name, "editing": None})
    for entry, until in edits:
        agent_id, _name, kind, record_id, field = json.loads(entry)
        if agent_id in agents:  # typing without the customer on screen is not presence
            agents[agent_id]["editing"] = {
                "kind": kind,
                "id": record_id,
                "field": field,
                "editing_for": round(until - at, 1),
            }
    return sorted(agents.values(), key=lambda agent: agent["id"])


def announce(redis, customer_id, at=None):
    """Tell every process who is on this customer now; each passes it to its watching sockets."""
    event = {
        "type": "presence",
        "kind": "customer",
        "id": str(customer_id),
        "agents": agents_on(redis, customer_id, at),
    }
    redis.publish(events_channel(redis), json.dumps(event))
    return event


def refresh(redis, seats, at=None):
    """Keep a process's sockets present; return the customers where others' entries expired.

    `seats` is (customer_id, agent_id, name, connection_id) for every customer a socket of this
    process shows. The customers returned need a new announcement (someone silently left).
    """
    at = time.time() if at is None else at
    customers = sorted({seat[0] for seat in seats})
    pipe = redis.pipeline()
    for customer_id, agent_id, name, connection_id in seats:
        key = _present_key(customer_id)
        pipe.zadd(key, {_seat(agent_id, name, connection_id): at + PRESENT_FOR})
        pipe.expire(key, PRESENT_FOR * 2)
    for customer_id in customers:
        pipe.zremrangebyscore(_present_key(customer_id), "-inf", at)
    results = pipe.execute()
    expired = results[len(seats) * 2 :]
    return [customer_id for customer_id, gone in zip(customers, expired, strict=True) if gone]
