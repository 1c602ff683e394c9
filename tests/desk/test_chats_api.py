"""The customer chat widget's API (D9): start a chat without any key, read and write it with
the per-chat token only (O5), from any website (CORS), rate limited."""

import pytest

from server.models import Task, database


@pytest.fixture
def started(client):
    response = client.post(
        "/api/v1/chats", json={"name": "Ann Visitor", "email": "ann@example.org"}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_D9_a_visitor_starts_a_chat_that_waits_in_the_queue(client, started, desk_sign_in):
    assert started["status"] == "waiting" and started["chat_token"]
    with database.connection_context():
        task = Task.get_by_id(int(started["id"]))
    assert (task.medium, task.status, task.identity_kind) == ("chat", "queued", "email")
    assert task.contact_name == "Ann Visitor"
    queue = desk_sign_in("care1").get("/desk/lists").get_data(as_text=True)
    assert "Ann Visitor" in queue


def test_D9_the_visitor_writes_and_reads_with_the_chat_token(client, started, desk_sign_in):
    chat = f"/api/v1/chats/{started['id']}"
    sent = client.post(
        chat + "/messages", json={"body": "Hello?"}, headers=bearer(started["chat_token"])
    )
    assert sent.status_code == 201 and sent.get_json()["sender"] == "customer"
    agent = desk_sign_in("care1")
    agent.post(f"/api/v1/tasks/{started['id']}/accept", json={})
    agent.post(f"/api/v1/tasks/{started['id']}/messages", json={"body": "Hi Ann"})
    seen = client.get(chat, headers=bearer(started["chat_token"])).get_json()
    assert seen["status"] == "active"
    assert [m["body"] for m in seen["messages"]] == ["Hello?", "Hi Ann"]
    assert "agent" not in seen["messages"][1]  # the visitor gets no agent's account name
    after = client.get(
        chat + f"?after={seen['messages'][0]['id']}", headers=bearer(started["chat_token"])
    )
    assert [m["body"] for m in after.get_json()["messages"]] == ["Hi Ann"]
    agent.post(f"/api/v1/tasks/{started['id']}/end")
    assert client.get(chat, headers=bearer(started["chat_token"])).get_json()["status"] == "ended"
    ended = client.post(
        chat + "/messages", json={"body": "x"}, headers=bearer(started["chat_token"])
    )
    assert ended.status_code == 409


def test_O5_a_chat_token_reaches_nothing_but_its_own_chat(client, started):
    other = client.post(
        "/api/v1/chats", json={"name": "Eve", "email": "eve@example.org"}
    ).get_json()
    token = bearer(started["chat_token"])
    assert client.get(f"/api/v1/chats/{other['id']}", headers=token).status_code == 401
    assert client.get("/api/v1/chats/999999", headers=token).status_code == 401  # no probing
    assert client.get(f"/api/v1/chats/{started['id']}").status_code == 401
    sent = client.post(f"/api/v1/chats/{other['id']}/messages", json={"body": "x"}, headers=token)
    assert sent.status_code == 401
    for path in ("/api/v1/queue", f"/api/v1/tasks/{started['id']}", "/desk/lists"):
        assert client.get(path, headers=token).status_code == 401


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "", "email": "ann@example.org"}, "name"),
        ({"name": "Ann", "email": "not an address"}, "email"),
        ({"name": "Ann"}, "email"),
        ({"name": "A" * 2001, "email": "ann@example.org"}, "name"),
    ],
)
def test_D9_a_chat_needs_a_name_and_an_email(client, body, field):
    response = client.post("/api/v1/chats", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_D9_starting_chats_is_rate_limited(app, client):
    before = app.config["CHAT_RATE_LIMIT"]
    app.config["CHAT_RATE_LIMIT"] = "2 per minute"
    try:
        codes = [
            client.post("/api/v1/chats", json={"name": "Bot", "email": "b@example.org"}).status_code
            for _ in range(3)
        ]
    finally:
        app.config["CHAT_RATE_LIMIT"] = before
    assert codes == [201, 201, 429]


def test_D9_any_website_may_call_the_chat_api_and_load_the_panel(client):
    origin = {"Origin": "https://shop.example.com"}
    preflight = client.options(
        "/api/v1/chats",
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    panel = client.get("/chat/panel?locale=tr", headers=origin)
    assert panel.headers["Access-Control-Allow-Origin"] == "*"
    assert "Sohbeti başlat" in panel.get_data(as_text=True)
    # The agents' API stays closed to other websites.
    queue = client.get("/api/v1/queue", headers=origin)
    assert "Access-Control-Allow-Origin" not in queue.headers
