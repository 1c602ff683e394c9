"""The socket's own duties over real connections: the heartbeat drops dead browsers, a browser
that reads nothing is cut off without holding up the others, and per-agent events (contract:
an outbox event with "to") reach only that agent."""

import json

from server.models import database
from server.services.records import events_channel, unit_of_work
from tests.live.conftest import changed, of_type, wait_until

# Big events fill a reader's TCP buffers fast; the queue limit, not the kernel, must cut it off.
BIG = "x" * 16 * 1024
FLOOD = 400


def hub_of(app):
    return app.extensions["live"]


def test_C3_heartbeat_drops_a_socket_that_stops_answering(app, agent, raw_socket):
    options = app.config["SOCK_SERVER_OPTIONS"]
    app.config["SOCK_SERVER_OPTIONS"] = {**options, "ping_interval": 0.3}
    try:
        dead = raw_socket(agent)  # it never answers a ping, as a browser whose machine slept
        wait_until(lambda: hub_of(app).sockets("agent1") == 1)
        assert dead.closed_by_server(timeout=5)
        wait_until(lambda: hub_of(app).sockets("agent1") == 0)
    finally:
        app.config["SOCK_SERVER_OPTIONS"] = options


def test_C3_heartbeat_keeps_a_socket_that_answers(app, agent, live_socket):
    options = app.config["SOCK_SERVER_OPTIONS"]
    app.config["SOCK_SERVER_OPTIONS"] = {**options, "ping_interval": 0.2}
    try:
        socket = live_socket(agent)  # simple-websocket's client answers pings, as browsers do
        socket.watch("request", "7")
        socket.quiet(1.0)  # five heartbeats
        assert hub_of(app).sockets("agent1") == 1
        socket.watch("request", "8")  # still served
    finally:
        app.config["SOCK_SERVER_OPTIONS"] = options


def test_C3_a_browser_that_reads_nothing_stalls_nobody(app, agent, agent2, raw_socket, live_socket):
    quick = live_socket(agent2)
    quick.watch("request", "70")
    # The slow reader gets a small queue: the kernel's socket buffers (up to 4 MB) must not
    # hide that it reads nothing.
    hub = hub_of(app)
    limit, hub.queue_limit = hub.queue_limit, 20
    try:
        slow = raw_socket(agent, receive_buffer=4096)
        wait_until(lambda: hub.sockets("agent1") == 1, message="the slow socket")
    finally:
        hub.queue_limit = limit
    slow.send(type="watch", kind="request", id="70")
    wait_until(lambda: hub.watching("request", "70") == 2, message="two watchers")

    client = app.extensions["redis"].client
    for version in range(2, 2 + FLOOD):
        client.publish(
            events_channel(client),
            json.dumps(
                {
                    "type": "changed",
                    "kind": "request",
                    "id": "70",
                    "version": version,
                    "by": "agent3",
                    "note": BIG,
                }
            ),
        )
    versions = [quick.next(changed("request", "70"), timeout=10)["version"] for _ in range(FLOOD)]
    assert versions == list(range(2, 2 + FLOOD))  # all of them, in order
    wait_until(lambda: hub.sockets("agent1") == 0, timeout=5, message="cut off")
    assert slow.closed_by_server(timeout=5)


def test_C3_events_addressed_to_an_agent_reach_only_that_agents_sockets(
    app, db, agent, agent2, live_socket
):
    mine, theirs = live_socket(agent), live_socket(agent2)
    for socket in (mine, theirs):
        socket.watch("customer", "0")  # registered once acknowledged
    # What the timed work does for an offer: an outbox event with "to", sent after the commit.
    with database.atomic(), unit_of_work() as outbox:
        outbox.add(
            {
                "type": "offer",
                "to": "agent2",
                "task": {"id": "9"},
                "expires_at": "2026-01-01T12:00:15+00:00",
            }
        )
        outbox.add(
            {"type": "state", "to": "agent2", "state": "not_ready", "reason": "offer_timeout"}
        )
    assert theirs.next(of_type("offer"))["task"] == {"id": "9"}
    assert theirs.next(of_type("state"))["reason"] == "offer_timeout"
    assert [e for e in mine.quiet() if e["type"] in ("offer", "state")] == []


def test_C1_ending_and_closing_an_interaction_reach_the_agents_open_list(agent, live_socket):
    socket = live_socket(agent)
    socket.watch("customer", "0")
    call = agent.call("+31 20 555 0103", "dialog-live-3").get_json()
    opened = socket.next(of_type("interaction"))
    assert opened["action"] == "opened" and opened["activity_id"] == call["activity"]["id"]
    agent.post("/api/v1/interactions/dialog-live-3/end")
    ended = socket.next(of_type("interaction"))
    assert ended["action"] == "ended" and ended["activity_id"] == call["activity"]["id"]
    agent.post("/api/v1/workspace/close", json={"activity_id": call["activity"]["id"]})
    closed = socket.next(of_type("interaction"))
    assert closed["action"] == "closed" and closed["customer_id"] == opened["customer_id"]
