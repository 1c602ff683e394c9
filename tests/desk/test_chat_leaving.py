"""D9: a visitor who leaves a chat, by End chat in the widget or by going away (no socket
for CHAT_GONE_AFTER seconds). A chat no agent has taken leaves the queue, `abandoned`, live;
an agent it was on offer to is free again; in a conversation the agent is told."""

import time

import pytest

from server.models import Task, database
from server.services import chats, offers
from tests.jobs.helpers import Events, redis_of, run_timed_work, scheduled_ids
from tests.live.conftest import Socket, of_type, ws_url
from tests.waiting import wait_until


@pytest.fixture
def start_chat(client):
    def start_chat(name="Ann Visitor", email="ann@example.org"):
        response = client.post("/api/v1/chats", json={"name": name, "email": email})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return start_chat


def bearer(chat):
    return {"Authorization": f"Bearer {chat['chat_token']}"}


def task_of(chat):
    with database.connection_context():
        return Task.get_by_id(int(chat["id"]))


def test_D9_a_waiting_chat_the_visitor_ends_leaves_the_queue_live(
    app, client, start_chat, desk_sign_in
):
    agent = desk_sign_in("care1")
    chat = start_chat()
    assert "Ann Visitor" in agent.get("/desk/lists").get_data(as_text=True)
    events = Events(app)
    try:
        ended = client.post(f"/api/v1/chats/{chat['id']}/end", headers=bearer(chat))
        assert ended.status_code == 200 and ended.get_json()["status"] == "ended"
        assert events.of(type="queue"), "the desks reload their queue"
        assert events.of(type="chat", to_chat=chat["id"], state="ended")
    finally:
        events.close()
    task = agent.get(f"/api/v1/tasks/{chat['id']}").get_json()["task"]
    assert task["status"] == "abandoned" and task["customer_left_at"] and task["ended_at"]
    assert agent.get("/api/v1/queue").get_json()["items"] == []
    assert "Ann Visitor" not in agent.get("/desk/lists").get_data(as_text=True)
    refused = agent.post(f"/api/v1/tasks/{chat['id']}/accept", json={})
    assert refused.status_code == 409
    assert refused.get_json()["type"] == "/problems/customer-left"
    again = client.post(f"/api/v1/chats/{chat['id']}/end", headers=bearer(chat))
    assert again.status_code == 200  # ending twice is still ended
    other = start_chat("Eve", "eve@example.org")
    assert client.post(f"/api/v1/chats/{chat['id']}/end", headers=bearer(other)).status_code == 401


def test_D9_D5_an_offered_chat_the_visitor_ends_is_withdrawn_and_the_agent_offered_the_next(
    app, client, start_chat, desk_sign_in
):
    desk_sign_in("care1")
    with database.connection_context():
        offers.set_state("care1", "ready")
    chat = start_chat()
    assert task_of(chat).status == "offered"
    timeout_job = offers.timeout_job_id(int(chat["id"]), 1)
    assert timeout_job in scheduled_ids(app)
    events = Events(app)
    try:
        client.post(f"/api/v1/chats/{chat['id']}/end", headers=bearer(chat))
        assert events.of(type="customer_left", to="care1", task=chat["id"], state="abandoned")
    finally:
        events.close()
    assert timeout_job not in scheduled_ids(app)
    with database.connection_context():
        state = offers.state_of("care1")
        assert (state.state, state.task_id) == ("ready", None)  # no penalty: still Ready
    following = start_chat("Bo", "bo@example.org")
    assert task_of(following).status == "offered" and task_of(following).agent_id == "care1"


def test_D9_a_visitor_leaving_a_conversation_is_shown_to_the_agent(
    app, client, start_chat, desk_sign_in, live_socket
):
    agent = desk_sign_in("care1")
    chat = start_chat()
    accepted = agent.post(f"/api/v1/tasks/{chat['id']}/accept", json={})
    assert accepted.status_code == 200, accepted.get_json()
    socket = live_socket(agent)
    wait_until(lambda: app.extensions["live"].sockets("care1"), message="the agent's socket")
    left = client.post(f"/api/v1/chats/{chat['id']}/end", headers=bearer(chat))
    assert left.status_code == 200, left.get_json()
    told = socket.next(of_type("customer_left"))
    assert (told["task"], told["state"]) == (chat["id"], "active")
    assert task_of(chat).status == "active"  # still the agent's, to End with its notes
    pane = agent.get(f"/desk/tasks/{chat['id']}/pane").get_data(as_text=True)
    assert "The customer has left the chat." in pane and 'id="desk-message"' not in pane
    said = agent.post(f"/api/v1/tasks/{chat['id']}/messages", json={"body": "Still there?"})
    assert said.status_code == 409
    assert (
        client.get(f"/api/v1/chats/{chat['id']}", headers=bearer(chat)).get_json()["status"]
        == "ended"
    )
    assert agent.post(f"/api/v1/tasks/{chat['id']}/end").status_code == 200
    assert task_of(chat).status == "ended"


def test_D9_a_visitor_whose_socket_is_gone_for_a_while_has_left(
    app, client, start_chat, desk_sign_in
):
    """The page closed: the visitor's socket goes, none comes back, and the timed check
    (on a real RQ worker) lets the chat go. A reload (a socket back in time) keeps it."""
    app.config["CHAT_GONE_AFTER"] = 3
    try:
        desk_sign_in("care1")
        kept, left = start_chat(), start_chat("Bo", "bo@example.org")
        base = ws_url(app.live_server.url)
        sockets = {}
        for chat in (kept, left):
            sockets[chat["id"]] = Socket(
                base + f"?chat={chat['id']}&token={chat['chat_token']}", "https://shop.example.com"
            )
        redis = redis_of(app)
        assert chats.visitor_seen_within(redis, kept["id"], 0)
        sockets[kept["id"]].close()  # a reload: away, then back at once
        sockets[kept["id"]] = Socket(
            base + f"?chat={kept['id']}&token={kept['chat_token']}", "https://shop.example.com"
        )
        sockets[left["id"]].close()  # the page closed for good
        time.sleep(app.config["CHAT_GONE_AFTER"])
        run_timed_work(app)
        assert task_of(kept).status == "queued"
        assert task_of(left).status == "abandoned"
        sockets[kept["id"]].close()
        # Gone on the service's side too, before the next test's stores are emptied.
        wait_until(lambda: not app.extensions["live"].sockets(), message="the sockets closed")
    finally:
        app.config["CHAT_GONE_AFTER"] = 60


def test_D9_a_chat_whose_visitor_never_connects_is_left_and_a_present_one_is_kept(app, start_chat):
    chat = start_chat()
    redis = redis_of(app)
    with app.app_context(), database.connection_context():
        chats.visitor_here(redis, chat["id"], "socket-1")
        assert chats.check_gone(redis, int(chat["id"])) is False
        long_ago = time.time() - 3600
        chats.visitor_gone(redis, chat["id"], "socket-1", at=long_ago)
        assert chats.check_gone(redis, int(chat["id"])) is True
    assert task_of(chat).status == "abandoned"
    never = start_chat("Bo", "bo@example.org")
    with app.app_context(), database.connection_context():
        assert chats.check_gone(redis, int(never["id"])) is True


def test_D9_a_visitor_kept_connected_stays_here_through_the_hubs_ticks(app):
    """A chat open for longer than an entry lasts (HERE_FOR) stays "here": each tick of the
    live hub renews the entry of every visitor's socket of its process."""
    from server.realtime.hub import Hub
    from server.realtime.protocol import customer_key

    redis = redis_of(app)
    hub = Hub(redis)
    visitor = hub.connect(customer_key("7"), "customer")
    chats.visitor_here(redis, "7", visitor.id, at=time.time() - 3600)  # never renewed since
    assert not chats.visitor_seen_within(redis, "7", 60)
    hub.tick()
    assert chats.visitor_seen_within(redis, "7", 0)
    hub.disconnect(visitor)
    hub.stop()
