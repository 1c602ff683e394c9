"""O5: every route of the service, tried as nobody and as an agent who must not reach the
record. The routes come from app.url_map, so a new route fails here until it is classified."""

import re

import pytest

KEY = {"X-Integration-Key": "dev-integration-key"}

# Answer anyone: the contract, the limits, signing in, the widget's page (which signs in),
# health, the gadget, static files, the development harness.
PUBLIC = {
    "api.openapi_document",
    "api.limits",
    "api.create_session",
    "widget.page",
    "index",
    "favicon",
    "health.healthz",
    "health.readyz",
    "monitoring.exposition",  # its own bearer token (METRICS_TOKEN), else not served
    "gadget.gadget_xml",
    "static",
    "realtime.live",  # the socket checks its token itself (tests/live/test_sockets.py)
    "desk.page",  # the Care Desktop's page, a sign-in form until the agent signs in
    "chat.panel",  # the customer chat widget's markup and its demo page (any website)
    "chat.demo",
    "api.start_chat",  # a visitor starts a chat (rate limited); it gets its chat's token
}
# The harness exists only in development (MOCK_FINESSE): its Finesse stand-in is public.
HARNESS = re.compile(r"^harness\.")

# The caller's own state: there is no other agent's record to reach through them.
OWN = {
    "api.get_workspace",
    "api.open_customer",
    "api.close_customer",
    "api.get_queue",
    "api.get_agent_state",
    "api.put_agent_state",
    "api.end_session",
    "widget.workspace_lists",
    "widget.close",
    "widget.reopen",
    "widget.search",
    "desk.lists",  # the queue (everyone's preview, D2) and the agent's own tasks
}
# The team's shared records: customers, their requests and activities, which every agent
# reads and edits (C2, C3: two agents editing one record is the point of versions).
SHARED = re.compile(
    r"^(api|widget)\.(.*customer.*|.*request.*|.*activit.*|.*comment.*|.*tag|move.*|journey.*)$"
)


def fill(rule, values):
    path = rule.rule
    for name in rule.arguments:
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", str(values.get(name, "1")), path)
    return path


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_O5_every_route_is_classified(app):
    unclassified = [
        f"{method} {rule.rule}"
        for rule, method in routes(app)
        if rule.endpoint not in PUBLIC | OWN | set(GUARDED)
        and not SHARED.match(rule.endpoint)
        and not HARNESS.match(rule.endpoint)
    ]
    assert unclassified == []


def test_O5_nobody_gets_401_on_every_route_before_any_404(app, client, agent):
    task = client.post(
        "/api/v1/tasks", json={"medium": "chat", "identity": {"chat": "v-1"}}, headers=KEY
    ).get_json()
    call = agent.call("+31201234567", "dialog-1").get_json()
    real = {
        "task_id": task["id"],
        "activity_id": call["activity"]["id"],
        "customer_id": call["activity"]["customer_id"],
        "request_id": call["request"]["id"],
        "source_id": "dialog-1",
        "name": "x",
    }
    made_up = {name: "987654" for name in real}
    checked = 0
    for rule, method in routes(app):
        if rule.endpoint in PUBLIC or HARNESS.match(rule.endpoint):
            continue
        for headers in ({}, {"Authorization": "Bearer not-a-token"}):
            answers = []
            for values in (real, made_up):
                response = client.open(fill(rule, values), method=method, json={}, headers=headers)
                assert response.status_code == 401, (method, rule.rule, values, headers)
                answers.append(response.get_data())
            # The same words whether the record exists or not: nothing to probe.
            assert answers[0] == answers[1], (method, rule.rule)
        checked += 1
    assert checked >= 40


@pytest.fixture
def records(client, agent, sign_in):
    """agent1's records another agent must not reach: an accepted chat with a message, an
    interaction going on, and a queued task (visible to all: the queue's preview, D2)."""
    chat = client.post(
        "/api/v1/tasks", json={"medium": "chat", "identity": {"chat": "v-1"}}, headers=KEY
    ).get_json()
    assert agent.post(f"/api/v1/tasks/{chat['id']}/accept").status_code == 200
    customer = {"Authorization": f"Bearer {chat['chat_token']}"}
    assert (
        client.post(
            f"/api/v1/tasks/{chat['id']}/messages", json={"body": "Hello"}, headers=customer
        ).status_code
        == 201
    )
    call = agent.call("+31201234567", "dialog-1").get_json()
    return {"chat": chat, "call": call, "customer": customer}


# Each route that reaches one agent's record, what another agent gets, and how it is tried.
GUARDED = {
    "api.get_task": lambda r: ("GET", f"/api/v1/tasks/{r['chat']['id']}", None, 403),
    "api.list_messages": lambda r: (
        "GET",
        f"/api/v1/tasks/{r['chat']['id']}/messages",
        None,
        403,
    ),
    "api.post_message": lambda r: (
        "POST",
        f"/api/v1/tasks/{r['chat']['id']}/messages",
        {"body": "hi"},
        403,
    ),
    "api.end_task": lambda r: ("POST", f"/api/v1/tasks/{r['chat']['id']}/end", None, 403),
    # Declining takes only an offer made to the caller: a colleague's active chat stays theirs.
    "api.decline_task": lambda r: (
        "POST",
        f"/api/v1/tasks/{r['chat']['id']}/decline",
        {"offer": 1},
        409,
    ),
    "api.accept_task": lambda r: ("POST", f"/api/v1/tasks/{r['chat']['id']}/accept", None, 409),
    "api.end_interaction": lambda r: ("POST", "/api/v1/interactions/dialog-1/end", None, 404),
    "api.register_interaction": lambda r: (
        "POST",
        "/api/v1/interactions",
        {"medium": "call", "source_id": "dialog-1", "identity": {"phone": "+31209999999"}},
        409,
    ),
    "api.create_task": lambda r: ("POST", "/api/v1/tasks", {"medium": "chat"}, 401),
    # The Care Desktop's fragments of a task: its preview (a queued task's only) and its pane.
    "desk.preview": lambda r: ("GET", f"/desk/tasks/{r['chat']['id']}/preview", None, 403),
    "desk.journey_entry": lambda r: (
        "GET",
        f"/desk/tasks/{r['chat']['id']}/journey/1",
        None,
        403,
    ),
    "desk.pane": lambda r: ("GET", f"/desk/tasks/{r['chat']['id']}/pane", None, 403),
    # The customer's side of the chat takes its chat token only: an agent's session is none.
    "api.get_chat": lambda r: ("GET", f"/api/v1/chats/{r['chat']['id']}", None, 401),
    "api.post_chat_message": lambda r: (
        "POST",
        f"/api/v1/chats/{r['chat']['id']}/messages",
        {"body": "hi"},
        401,
    ),
    "api.end_chat": lambda r: ("POST", f"/api/v1/chats/{r['chat']['id']}/end", None, 401),
}


def test_O5_another_agent_cannot_reach_an_agents_task_chat_or_interaction(records, sign_in):
    agent3 = sign_in("agent3")
    for endpoint, make in GUARDED.items():
        method, path, body, expected = make(records)
        response = agent3.client.open(
            path,
            method=method,
            json=body,
            headers={"Authorization": f"Bearer {agent3.token}"},
        )
        assert response.status_code == expected, (endpoint, response.get_json())
        assert response.mimetype == "application/problem+json"


def test_O5_the_issues_attacks(records, sign_in, agent, client):
    agent3 = sign_in("agent3")
    task_id = records["chat"]["id"]
    # POST /interactions/care-task-N/end as agent3 was a 200.
    assert agent3.post(f"/api/v1/interactions/care-task-{task_id}/end").status_code == 404
    # Even its own agent ends a task's interaction only by ending the task.
    assert agent.post(f"/api/v1/interactions/care-task-{task_id}/end").status_code == 403
    # Pre-registering a task's source id to get its call attached to another customer.
    queued = client.post(
        "/api/v1/tasks", json={"medium": "call", "identity": {"phone": "+31201111111"}}, headers=KEY
    ).get_json()
    grab = agent3.call("+31209999999", f"care-task-{queued['id']}")
    assert grab.status_code == 403
    # Nor the source id of a colleague's accepted task, nor a made-up task's.
    assert agent3.call("+31209999999", f"care-task-{task_id}").status_code == 403
    assert agent3.call("+31209999999", "care-task-987654").status_code == 403
    # The Care Desktop's views of a colleague's active chat: its preview and its pane.
    for view in ("preview", "pane", "journey/1"):
        response = agent3.get(f"/desk/tasks/{task_id}/{view}")
        assert response.status_code == 403 and b"Hello" not in response.data, view
    # Declining a colleague's chat (as if it were an offer to agent3) changes nothing.
    assert agent3.post(f"/api/v1/tasks/{task_id}/decline", json={"offer": 1}).status_code == 409
    assert agent.get(f"/api/v1/tasks/{task_id}").get_json()["task"]["status"] == "active"
    # The chat's messages and the task, as another agent.
    assert agent3.get(f"/api/v1/tasks/{task_id}/messages").status_code == 403
    assert agent3.get(f"/api/v1/tasks/{task_id}").status_code == 403
    # Its own agent and its customer still do.
    assert agent.get(f"/api/v1/tasks/{task_id}/messages").status_code == 200
    assert (
        client.get(f"/api/v1/tasks/{task_id}/messages", headers=records["customer"]).get_json()[
            "items"
        ][0]["body"]
        == "Hello"
    )
    # A queued task is everyone's preview (D2).
    assert agent3.get(f"/api/v1/tasks/{queued['id']}").status_code == 200


def test_O5_a_chat_token_reaches_only_its_own_chat(records, client):
    other = client.post(
        "/api/v1/tasks", json={"medium": "chat", "identity": {"chat": "v-2"}}, headers=KEY
    ).get_json()
    stranger = {"Authorization": f"Bearer {other['chat_token']}"}
    task_id = records["chat"]["id"]
    assert client.get(f"/api/v1/tasks/{task_id}/messages", headers=stranger).status_code == 401
    assert client.get(f"/api/v1/tasks/{task_id}", headers=stranger).status_code == 401
    missing = client.get("/api/v1/tasks/987654/messages", headers=stranger)
    assert missing.status_code == 401  # an unknown task answers like a known one
