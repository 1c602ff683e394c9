"""Presence (issue 4, beyond C3): who else has the customer on screen, and who is typing in one
of its fields, so that collisions are avoided before the version check has to refuse them."""

from server.services import presence
from tests.live.conftest import of_type


def others(event):
    return [(agent["id"], agent["editing"]) for agent in event["agents"]]


def customer_with_request(agent):
    customer = agent.post("/api/v1/customers", json={"name": "Sanne de Vries"}).get_json()
    request = agent.post(
        f"/api/v1/customers/{customer['id']}/requests", json={"title": "Printer jams"}
    ).get_json()
    return customer, request


def test_C3_presence_shows_who_else_has_the_customer_on_screen(agent, agent2, live_socket):
    customer, request = customer_with_request(agent)
    mine, theirs = live_socket(agent), live_socket(agent2)
    mine.watch("customer", customer["id"])
    assert others(mine.next(of_type("presence"))) == []  # alone

    theirs.watch("customer", customer["id"])
    assert others(mine.next(of_type("presence"))) == [("agent2", None)]
    assert others(theirs.next(of_type("presence"))) == [("agent1", None)]

    # Agent 2 types in the request's title: agent 1 sees "editing" on that field.
    theirs.watch("request", request["id"])
    theirs.send(type="typing", kind="request", id=request["id"], field="title")
    editing = others(
        mine.next(lambda e: e["type"] == "presence" and e["agents"] and e["agents"][0]["editing"])
    )
    assert editing[0][0] == "agent2"
    assert {k: editing[0][1][k] for k in ("kind", "id", "field")} == {
        "kind": "request",
        "id": request["id"],
        "field": "title",
    }
    assert 0 < editing[0][1]["editing_for"] <= presence.EDITING_FOR

    theirs.unwatch("customer", customer["id"])
    assert others(mine.next(of_type("presence"))) == []


def test_C3_a_closed_socket_leaves_the_customers_it_showed(agent, agent2, live_socket):
    customer, _request = customer_with_request(agent)
    mine, theirs = live_socket(agent), live_socket(agent2)
    mine.watch("customer", customer["id"])
    theirs.watch("customer", customer["id"])
    assert others(mine.next(lambda e: e["type"] == "presence" and e["agents"])) == [
        ("agent2", None)
    ]
    theirs.close()
    assert others(mine.next(lambda e: e["type"] == "presence" and not e["agents"])) == []


def test_C3_typing_in_a_customer_not_on_screen_announces_nothing(agent, agent2, live_socket):
    customer, request = customer_with_request(agent)
    mine, theirs = live_socket(agent), live_socket(agent2)
    mine.watch("customer", customer["id"])
    mine.next(of_type("presence"))
    theirs.send(type="typing", kind="request", id=request["id"], field="title")
    theirs.watch("request", request["id"])  # a sync point: the typing was handled first
    assert [e for e in mine.quiet() if e["type"] == "presence"] == []


def test_C3_presence_expires_when_a_process_stops_refreshing_it(app):
    redis = app.extensions["redis"].client
    presence.arrive(redis, "5", "agent1", "Agent One", "socket-a", at=1000)
    presence.arrive(redis, "5", "agent2", "Agent Two", "socket-b", at=1000)
    presence.typing(redis, "5", "agent2", "Agent Two", "request", "3", "title", at=1000)
    assert [
        (a["id"], a["editing"]["field"] if a["editing"] else None)
        for a in presence.agents_on(redis, "5", at=1001)
    ] == [("agent1", None), ("agent2", "title")]
    # The editing mark fades after a few seconds without typing.
    assert [
        a["editing"] for a in presence.agents_on(redis, "5", at=1000 + presence.EDITING_FOR + 1)
    ] == [None, None]
    # Agent 1's process keeps refreshing; agent 2's died: agent 2 disappears and the customer
    # is reported for a new announcement.
    later = 1000 + presence.PRESENT_FOR + 1
    assert presence.refresh(redis, [("5", "agent1", "Agent One", "socket-a")], at=later) == ["5"]
    assert [a["id"] for a in presence.agents_on(redis, "5", at=later)] == ["agent1"]


def test_C3_an_agent_with_two_windows_stays_present_until_both_leave(app):
    redis = app.extensions["redis"].client
    presence.arrive(redis, "6", "agent1", "Agent One", "window-1", at=1000)
    presence.arrive(redis, "6", "agent1", "Agent One", "window-2", at=1000)
    presence.leave(redis, "6", "agent1", "Agent One", "window-1")
    assert [a["id"] for a in presence.agents_on(redis, "6", at=1001)] == ["agent1"]
    presence.leave(redis, "6", "agent1", "Agent One", "window-2")
    assert presence.agents_on(redis, "6", at=1001) == []
