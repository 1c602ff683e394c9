"""The Care Desktop API (D2–D5, D9): tasks queued by integrations, offered to Ready agents,
accepted one at a time, ended, and chats between the customer and the agent."""

import threading

import pytest

from server.models import AgentState, Task
from tests.jobs.helpers import Events

KEY = {"X-Integration-Key": "dev-integration-key"}


@pytest.fixture
def integration(client):
    """What telephony, the mail gateway or the customer chat widget does: queue tasks."""

    def queue(medium="chat", identity=None, **extra):
        body = {"medium": medium, "identity": identity or {"chat": "visitor-7"}, **extra}
        response = client.post("/api/v1/tasks", json=body, headers=KEY)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return queue


def ready(agent):
    response = agent.client.put(
        "/api/v1/agent/state",
        json={"state": "ready"},
        headers={"Authorization": f"Bearer {agent.token}"},
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_D9_tasks_are_queued_with_the_integration_key_not_an_agent_session(client, agent):
    body = {"medium": "call", "identity": {"phone": "+31 20 123 4567"}, "subject": "Invoice"}
    assert client.post("/api/v1/tasks", json=body).status_code == 401
    assert agent.post("/api/v1/tasks", json=body).status_code == 401  # a session is not enough
    wrong = client.post("/api/v1/tasks", json=body, headers={"X-Integration-Key": "guess"})
    assert wrong.status_code == 401
    assert wrong.headers["Content-Type"] == "application/problem+json"
    created = client.post("/api/v1/tasks", json=body, headers=KEY)
    assert created.status_code == 201
    task = created.get_json()
    assert (task["status"], task["medium"], task["subject"]) == ("queued", "call", "Invoice")
    assert task["identity"] == {"phone": "+31 20 123 4567"}
    assert task["chat_token"] is None  # only chats get a customer token


def test_D9_bad_tasks_are_refused_with_the_field_named(client):
    for body, field in (
        ({"medium": "fax", "identity": {"phone": "1"}}, "medium"),
        ({"medium": "call", "identity": {}}, "identity"),
        ({"medium": "email", "identity": {"email": "a@b.nl"}, "subject": "x" * 2001}, "subject"),
    ):
        response = client.post("/api/v1/tasks", json=body, headers=KEY)
        assert response.status_code == 422, body
        assert field in response.get_json()["errors"]


def test_D2_an_agent_sees_the_queue_and_everything_about_a_task_before_accepting(
    agent, integration
):
    call = agent.call("+31 20 123 4567", "d1").get_json()
    agent.post(
        "/api/v1/customers", json={"name": "Jan Jansen", "activity_id": call["activity"]["id"]}
    )
    agent.post(f"/api/v1/activities/{call['activity']['id']}/tags", json={"name": "billing"})
    task = integration("call", {"phone": "020-1234567"})  # the same number, written locally
    other = integration("email", {"email": "new@example.com"})
    queue = agent.get("/api/v1/queue").get_json()
    assert [item["id"] for item in queue["items"]] == [task["id"], other["id"]]
    assert queue["offer"] is None and queue["active"] == []

    context = agent.get(f"/api/v1/tasks/{task['id']}").get_json()
    assert context["task"]["id"] == task["id"]
    assert context["customer"]["name"] == "Jan Jansen"
    assert [r["id"] for r in context["requests"]] == [call["request"]["id"]]
    assert context["journey"]["items"], "the recent journey is shown"
    assert Task.get_by_id(int(task["id"])).status == "queued"  # looking takes nothing

    unknown = agent.get(f"/api/v1/tasks/{other['id']}").get_json()
    assert unknown["customer"] is None and unknown["identity"] == {"email": "new@example.com"}
    assert agent.get("/api/v1/tasks/999999").status_code == 404


def test_D3_accepting_makes_the_task_active_with_its_activity_attached_per_C1b(agent, integration):
    call = agent.call("+31 20 123 4567", "d1").get_json()
    task = integration("call", {"phone": "+31 20 123 4567"})
    response = agent.post(f"/api/v1/tasks/{task['id']}/accept")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["task"]["status"] == "active" and body["task"]["agent"] == agent.id
    # The customer's open request gets the activity (C1b), not a new request.
    assert body["request"]["id"] == call["request"]["id"]
    assert body["activity"]["medium"] == "call"
    assert body["task"]["activity_id"] == body["activity"]["id"]
    queue = agent.get("/api/v1/queue").get_json()
    assert [t["id"] for t in queue["active"]] == [task["id"]] and queue["items"] == []
    workspace = agent.get("/api/v1/workspace").get_json()
    assert body["activity"]["id"] in [e["activity"]["id"] for e in workspace["open"]]

    fresh = integration("email", {"email": "new@example.com"})
    agent.post(f"/api/v1/tasks/{task['id']}/end")
    second = agent.post(f"/api/v1/tasks/{fresh['id']}/accept").get_json()
    assert second["request"]["id"] != call["request"]["id"]  # no open request: a new one


def test_D4_a_second_conversation_is_refused_with_409(agent, integration):
    first, second = integration(), integration(identity={"chat": "visitor-8"})
    assert agent.post(f"/api/v1/tasks/{first['id']}/accept").status_code == 200
    refused = agent.post(f"/api/v1/tasks/{second['id']}/accept")
    assert refused.status_code == 409
    assert refused.get_json()["type"] == "/problems/one-conversation"
    assert Task.get_by_id(int(second["id"])).status == "queued"  # nothing half-done
    assert agent.post(f"/api/v1/tasks/{first['id']}/end").status_code == 200
    assert agent.post(f"/api/v1/tasks/{second['id']}/accept").status_code == 200


def test_D4_two_accepts_at_once_by_one_agent_take_one_task(app, agent, integration):
    tasks = [integration(identity={"chat": f"visitor-{n}"}) for n in range(2)]
    statuses = []
    barrier = threading.Barrier(2)

    def accept(task_id):
        client = app.test_client()
        barrier.wait()
        statuses.append(
            client.post(
                f"/api/v1/tasks/{task_id}/accept",
                headers={"Authorization": f"Bearer {agent.token}"},
            ).status_code
        )

    threads = [threading.Thread(target=accept, args=(t["id"],)) for t in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses) == [200, 409]
    assert Task.select().where(Task.status == "active").count() == 1


def test_D5_two_agents_never_get_the_same_task(app, sign_in, integration):
    agents = [sign_in(f"agent{n}") for n in (1, 2, 3)]
    task = integration()
    statuses = []
    barrier = threading.Barrier(len(agents))

    def accept(agent):
        client = app.test_client()
        barrier.wait()
        statuses.append(
            client.post(
                f"/api/v1/tasks/{task['id']}/accept",
                headers={"Authorization": f"Bearer {agent.token}"},
            ).status_code
        )

    threads = [threading.Thread(target=accept, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses) == [200, 409, 409]
    assert AgentState.select().where(AgentState.task == int(task["id"])).count() == 1


def test_D5_ready_agents_are_offered_tasks_longest_ready_first(app, sign_in, integration):
    first, second = sign_in("agent1"), sign_in("agent2")
    events = Events(app)
    assert ready(first)["state"] == "ready"
    ready(second)
    ready(first)  # saying Ready again keeps the agent's place in line
    one, two, three = (integration(identity={"chat": f"visitor-{n}"}) for n in range(3))
    offered = {t.id: t.agent_id for t in Task.select().where(Task.status == "offered")}
    assert offered == {int(one["id"]): first.id, int(two["id"]): second.id}
    assert Task.get_by_id(int(three["id"])).status == "queued"  # nobody free for it
    offer = events.of(type="offer", to=first.id)
    assert offer and offer[0]["task"]["id"] == one["id"] and offer[0]["expires_at"]
    assert first.get("/api/v1/queue").get_json()["offer"]["id"] == one["id"]
    # Accepting and ending frees the agent, who is offered the next task in line.
    assert first.post(f"/api/v1/tasks/{one['id']}/accept", json={"offer": 1}).status_code == 200
    assert first.post(f"/api/v1/tasks/{one['id']}/end").status_code == 200
    assert Task.get_by_id(int(three["id"])).agent_id == first.id
    events.close()


def test_D5_going_not_ready_lets_the_offer_go_to_the_next_agent(sign_in, integration):
    first, second = sign_in("agent1"), sign_in("agent2")
    ready(first)
    task = integration()
    assert Task.get_by_id(int(task["id"])).agent_id == first.id
    ready(second)
    state = first.client.put(
        "/api/v1/agent/state",
        json={"state": "not_ready"},
        headers={"Authorization": f"Bearer {first.token}"},
    ).get_json()
    assert state["state"] == "not_ready" and state["task_id"] is None
    assert Task.get_by_id(int(task["id"])).agent_id == second.id
    assert first.get("/api/v1/agent/state").get_json()["state"] == "not_ready"
    bad = first.client.put(
        "/api/v1/agent/state",
        json={"state": "asleep"},
        headers={"Authorization": f"Bearer {first.token}"},
    )
    assert bad.status_code == 422


def test_D3_only_the_agent_handling_a_task_can_end_it(agent, agent2, integration):
    task = integration()
    agent.post(f"/api/v1/tasks/{task['id']}/accept")
    assert agent2.post(f"/api/v1/tasks/{task['id']}/end").status_code == 403
    ended = agent.post(f"/api/v1/tasks/{task['id']}/end").get_json()
    assert ended["status"] == "ended" and ended["ended_at"]
    activity = agent.get(f"/api/v1/activities/{ended['activity_id']}").get_json()
    assert activity["ended_at"]


def test_D9_the_customer_chat_widget_and_the_agent_exchange_messages(
    app, client, agent, agent2, integration
):
    task = integration(subject="Where is my parcel?")
    customer = {"Authorization": f"Bearer {task['chat_token']}"}
    path = f"/api/v1/tasks/{task['id']}/messages"
    # The customer can write while waiting in the queue.
    assert client.post(path, json={"body": "Hello?"}, headers=customer).status_code == 201
    assert agent.post(path, json={"body": "Hi"}).status_code == 403  # not accepted yet
    agent.post(f"/api/v1/tasks/{task['id']}/accept")
    events = Events(app)
    sent = client.post(path, json={"body": "Parcel 123"}, headers=customer)
    assert sent.status_code == 201 and sent.get_json()["sender"] == "customer"
    live = events.of(type="message", to=agent.id, task=task["id"])
    assert live and live[0]["message"]["body"] == "Parcel 123"
    events.close()
    reply = agent.post(path, json={"body": "It arrives today."})
    assert reply.status_code == 201 and reply.get_json()["agent"] == agent.id
    assert agent2.post(path, json={"body": "Me too"}).status_code == 403

    seen = client.get(path, headers=customer).get_json()["items"]
    assert [m["body"] for m in seen] == ["Hello?", "Parcel 123", "It arrives today."]
    newer = client.get(f"{path}?after={seen[1]['id']}", headers=customer).get_json()["items"]
    assert [m["body"] for m in newer] == ["It arrives today."]

    other = integration(identity={"chat": "visitor-9"})
    stranger = {"Authorization": f"Bearer {other['chat_token']}"}
    assert client.get(path, headers=stranger).status_code == 401  # another chat's token
    assert client.get(path).status_code == 401
    too_long = client.post(path, json={"body": "x" * 2001}, headers=customer)
    assert too_long.status_code == 422 and "body" in too_long.get_json()["errors"]
    agent.post(f"/api/v1/tasks/{task['id']}/end")
    assert client.post(path, json={"body": "Bye"}, headers=customer).status_code == 409


def test_D9_calls_and_emails_have_no_chat(agent, integration):
    task = integration("call", {"phone": "+31 20 123 4567"})
    agent.post(f"/api/v1/tasks/{task['id']}/accept")
    response = agent.post(f"/api/v1/tasks/{task['id']}/messages", json={"body": "Hi"})
    assert response.status_code == 409
