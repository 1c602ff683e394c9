"""C3 live: `/ws` admits only agents from allowed origins, and sends `changed` events to the
agents who have the record on screen (not to the one who changed it), `interaction` events to
the agent whose Open list changed."""

import base64
import http.client
import json
import os
import urllib.parse

import pytest
import simple_websocket

from tests.live.conftest import changed, of_type, ws_url


def new_request(agent, title="Printer jams"):
    customer = agent.post("/api/v1/customers", json={"name": "Sanne de Vries"}).get_json()
    request = agent.post(
        f"/api/v1/customers/{customer['id']}/requests", json={"title": title}
    ).get_json()
    return customer, request


def refused_status(url, origin=None):
    """The HTTP status a WebSocket handshake gets (101 when it is accepted)."""
    parts = urllib.parse.urlsplit(url)
    headers = {
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
    }
    if origin:
        headers["Origin"] = origin
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read() if response.status != 101 else b""
        if response.status in (401, 403):
            assert json.loads(body)["status"] == response.status  # problem+json, as the API
        return response.status
    finally:
        connection.close()


def test_C3_socket_from_a_foreign_origin_is_refused(app, agent):
    url = ws_url(app.live_server.url, agent.token)
    assert refused_status(url, "https://evil.example") == 403
    assert refused_status(url, "http://127.0.0.1:1") == 403  # the right host, another port
    assert refused_status(url) == 403  # no Origin: not a page we serve


def test_C3_socket_without_a_valid_token_is_refused(app, agent):
    origin = app.config["PUBLIC_URL"]
    assert refused_status(ws_url(app.live_server.url), origin) == 401
    assert refused_status(ws_url(app.live_server.url, "not-a-token"), origin) == 401
    agent.delete("/api/v1/session")
    assert refused_status(ws_url(app.live_server.url, agent.token), origin) == 401


def test_C3_the_finesse_desktop_origin_is_allowed_when_configured(app, agent, live_socket):
    app.config["ALLOWED_ORIGINS"] = "https://finesse-a.example:8445, https://finesse-b.example"
    try:
        socket = live_socket(agent, origin="https://finesse-b.example")
        socket.watch("customer", "1")
        assert (
            refused_status(
                ws_url(app.live_server.url, agent.token), "https://finesse-a.example:8445"
            )
            == 101
        )
        assert (
            refused_status(ws_url(app.live_server.url, agent.token), "https://finesse-c.example")
            == 403
        )
    finally:
        app.config["ALLOWED_ORIGINS"] = ""


def test_C3_a_change_reaches_every_watching_agent_but_its_author(
    agent, agent2, sign_in, live_socket
):
    agent3 = sign_in("agent3")
    _customer, request = new_request(agent)
    mine, theirs, bystander = live_socket(agent), live_socket(agent2), live_socket(agent3)
    mine.watch("request", request["id"])
    theirs.watch("request", request["id"])

    saved = agent2.patch(
        f"/api/v1/requests/{request['id']}",
        json={"version": request["version"], "title": "Printer on fire"},
    )
    event = mine.next(changed("request", request["id"]))
    assert event == {
        "type": "changed",
        "kind": "request",
        "id": request["id"],
        "version": saved.get_json()["version"],
        "by": "agent2",
        "by_name": "agent2",
    }

    # The author's own socket gets nothing for its own change, only for the next one of mine.
    agent.patch(
        f"/api/v1/requests/{request['id']}",
        json={"version": saved.get_json()["version"], "title": "Printer fixed"},
    )
    assert theirs.next(changed("request", request["id"]))["by"] == "agent1"
    assert [e for e in theirs.seen if e["type"] == "changed" and e["by"] == "agent2"] == []
    assert [e for e in bystander.quiet() if e["type"] == "changed"] == []


def test_C3_unwatched_records_send_nothing(agent, agent2, live_socket):
    _customer, request = new_request(agent)
    socket = live_socket(agent)
    socket.watch("request", request["id"])
    socket.unwatch("request", request["id"])
    socket.watch("customer", "999")  # a sync point: unwatch was handled before this ack
    agent2.patch(
        f"/api/v1/requests/{request['id']}",
        json={"version": request["version"], "title": "Changed"},
    )
    assert [e for e in socket.quiet() if e["type"] == "changed"] == []


def test_C3_tags_and_comments_reach_the_activitys_watchers(agent, agent2, live_socket):
    call = agent.call("+31 20 555 0101", "dialog-live-1").get_json()
    activity = call["activity"]
    socket = live_socket(agent)
    socket.watch("activity", activity["id"])
    agent2.post(f"/api/v1/activities/{activity['id']}/tags", json={"name": "refund"})
    assert socket.next(changed("activity", activity["id"]))["version"] == activity["version"] + 1
    agent2.post(f"/api/v1/activities/{activity['id']}/comments", json={"body": "Rang back."})
    assert socket.next(changed("activity", activity["id"]))["version"] == activity["version"] + 2


def test_C1_interaction_events_reach_only_that_agents_sockets(agent, agent2, live_socket):
    mine, other_tab, theirs = live_socket(agent), live_socket(agent), live_socket(agent2)
    for socket in (mine, other_tab, theirs):
        socket.watch("customer", "0")  # the socket is registered once this is acknowledged
    call = agent.call("+31 20 555 0102", "dialog-live-2").get_json()
    for socket in (mine, other_tab):
        event = socket.next(of_type("interaction"))
        assert event["action"] == "opened" and event["to"] == "agent1"
        assert event["activity_id"] == call["activity"]["id"]
    assert [e for e in theirs.quiet() if e["type"] == "interaction"] == []


def test_C3_a_message_the_socket_does_not_understand_is_answered(agent, live_socket):
    socket = live_socket(agent)
    socket.ws.send("not json")
    assert socket.next(of_type("error"))["detail"]
    socket.send(type="watch", kind="invoice", id="1")
    assert "kind" in socket.next(of_type("error"))["detail"]
    socket.watch("request", "1")  # the socket is still open and working


def test_C3_a_socket_ends_with_its_session(app, agent, live_socket):
    socket = live_socket(agent)
    socket.watch("customer", "1")
    agent.delete("/api/v1/session")
    app.extensions["live"].tick()  # what the subscriber does every few seconds
    with pytest.raises(simple_websocket.ConnectionClosed):
        for _ in range(50):
            socket.ws.receive(timeout=0.1)
