"""C3, C13: an interaction joining a request, or ending, is no edit of the request or activity.

Issue 11's repro: agent2 merely accepts an email from a customer agent1 has open; agent1 saw
"changed this request" with no field named, and Load changed nothing. The journey still
refreshes, by its own event.
"""

from tests.live.conftest import of_type


def setup(agent):
    customer = agent.post(
        "/api/v1/customers", json={"name": "Élodie Moreau", "email": "elodie@example.fr"}
    ).get_json()
    request = agent.post(
        f"/api/v1/customers/{customer['id']}/requests", json={"title": "Refund"}
    ).get_json()
    return customer, request


def test_C3_accepting_an_email_on_an_open_request_is_not_a_change_of_it(agent, agent2, live_socket):
    customer, request = setup(agent)
    socket = live_socket(agent)
    socket.watch("customer", customer["id"])
    socket.watch("request", request["id"])

    accepted = agent2.email("elodie@example.fr", "mail-1", subject="Where is my refund?")
    assert accepted.get_json()["request"]["id"] == request["id"]  # C1b: joins the open request

    event = socket.next(of_type("journey"))
    assert event["customer_id"] == str(customer["id"]) and event["by"] == "agent2"
    assert not [e for e in socket.quiet(0.3) if e["type"] == "changed"]
    # agent1's edit with the version they loaded is not stale.
    saved = agent.patch(
        f"/api/v1/requests/{request['id']}", json={"version": request["version"], "title": "X"}
    )
    assert saved.status_code == 200
    # The request still counts as the most recently active one (C1b) and D6's clock moved.
    now = agent.get(f"/api/v1/requests/{request['id']}").get_json()
    assert now["updated_at"] > request["updated_at"]


def test_C13_an_interaction_ending_tells_the_screens_without_a_new_version(
    agent, agent2, live_socket
):
    customer, _request = setup(agent)
    call = agent2.email("elodie@example.fr", "mail-2").get_json()
    activity = call["activity"]
    socket = live_socket(agent)
    socket.watch("customer", customer["id"])
    socket.watch("activity", activity["id"])

    agent2.post("/api/v1/interactions/mail-2/end")
    event = socket.next(of_type("journey"))
    assert event["activity_id"] == str(activity["id"])
    assert not [e for e in socket.quiet(0.3) if e["type"] == "changed"]
    now = agent.get(f"/api/v1/activities/{activity['id']}").get_json()
    assert now["ended_at"] is not None and now["version"] == activity["version"]
