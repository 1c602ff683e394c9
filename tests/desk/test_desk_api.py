"""The Care Desktop's server side: the page and its fragments (D1, D2), the queue's live event,
the one-conversation refusal (D4), the transcript in the journey (D1), and who may see a
task's pane (O5)."""

import json
import re

from server.models import database
from server.services import offers
from tests.live.conftest import Socket, of_type, ws_url
from tests.live.test_C3_live_events import refused_status
from tests.waiting import wait_until


def test_D1_the_desk_page_has_the_widget_and_its_scripts_once(client):
    html = client.get("/desk/").get_data(as_text=True)
    assert html.count("data-context-desk") == 1  # the widget's own markup, included
    for script in ("widget/vendor/htmx.min.js", "widget/widget.js", "desk/desk.js"):
        assert html.count(f"/static/{script}?v=") == 1
    assert "<script>" not in html and " onchange=" not in html and " onclick=" not in html
    assert 'for="desk-username">Username<' in html and 'for="desk-password">Password<' in html


def test_D1_the_desk_page_in_dutch_uses_the_vendors_words(client):
    html = client.get("/desk/?locale=nl").get_data(as_text=True)
    for word in ("Care-bureaublad", "Gereed", "Niet gereed", "Deelvenster Communicatie"):
        assert word in html


def test_D2_the_queue_lists_tasks_oldest_first_with_name_medium_subject(
    desk_sign_in, queue_task, frozen_clock
):
    queue_task("chat", {"email": "ann@example.org"}, name="Ann Visitor", subject="Parcel")
    frozen_clock.advance(seconds=5)
    queue_task("email", {"email": "bob@example.org"}, subject="Invoice 42")
    agent = desk_sign_in("care1")
    html = agent.get("/desk/lists").get_data(as_text=True)
    queue = html[html.index('id="desk-queue"') : html.index('id="desk-active"')]
    assert queue.index("Ann Visitor") < queue.index("bob@example.org")
    assert "Parcel" in queue and "Invoice 42" in queue
    assert "Chat" in queue and "Email" in queue
    assert len(re.findall(r"data-desk-since=", queue)) == 2


def test_D2_a_known_customer_is_named_in_the_queue_and_previewed_read_only(
    desk_sign_in, queue_task
):
    agent = desk_sign_in("care1")
    customer = agent.post(
        "/api/v1/customers", json={"name": "Ada Lovelace", "email": "ada@example.org"}
    ).get_json()
    agent.post(
        f"/api/v1/customers/{customer['id']}/requests",
        json={"title": "Broken engine", "description": ""},
    )
    task = queue_task("email", {"email": "ADA@example.org"}, subject="Again")
    assert "Ada Lovelace" in agent.get("/desk/lists").get_data(as_text=True)
    preview = agent.get(f"/desk/tasks/{task['id']}/preview").get_data(as_text=True)
    assert "Ada Lovelace" in preview and "Broken engine" in preview
    assert "<form" not in preview and "<input" not in preview  # read-only
    assert 'data-desk-accept="' in preview


def test_D2_fragments_need_a_session(client, queue_task):
    task = queue_task()
    for path in ("/desk/lists", f"/desk/tasks/{task['id']}/preview", "/desk/tasks/1/pane"):
        assert client.get(path).status_code == 401


def test_D2_a_queue_event_reaches_every_agents_socket_when_a_task_is_queued(
    app, desk_sign_in, queue_task, live_socket
):
    sockets = [live_socket(desk_sign_in(name)) for name in ("care1", "care2")]
    # The handshake ends before the hub has the socket: an event published in between would
    # reach nobody (a browser reloads its queue on connecting anyway).
    for name in ("care1", "care2"):
        wait_until(lambda name=name: app.extensions["live"].sockets(name), message=name)
    queue_task()
    for socket in sockets:
        assert socket.next(of_type("queue")) == {"type": "queue"}


def test_D4_a_second_conversation_is_refused_with_a_clear_message(desk_sign_in, queue_task):
    agent = desk_sign_in("care1")
    first, second = queue_task(), queue_task("call", {"phone": "+31 20 555 0100"})
    assert agent.post(f"/api/v1/tasks/{first['id']}/accept", json={}).status_code == 200
    refused = agent.post(f"/api/v1/tasks/{second['id']}/accept", json={})
    assert refused.status_code == 409
    assert refused.get_json()["type"] == "/problems/one-conversation"
    # The desk shows its own words for that problem, in the agent's language.
    html = agent.get("/desk/?locale=fr").get_data(as_text=True)
    words = json.loads(re.search(r'id="desk-messages">(.*?)</script>', html).group(1))
    assert words["oneConversation"].startswith("Vous traitez déjà une conversation")


def test_D1_the_pane_shows_the_call_the_email_and_the_chat(desk_sign_in, queue_task):
    agent = desk_sign_in("care1")
    mail = queue_task("email", {"email": "bob@example.org"}, subject="Invoice", body="It is wrong")
    agent.post(f"/api/v1/tasks/{mail['id']}/accept", json={})
    pane = agent.get(f"/desk/tasks/{mail['id']}/pane").get_data(as_text=True)
    assert "bob@example.org" in pane and "Invoice" in pane and "It is wrong" in pane
    agent.post(f"/api/v1/tasks/{mail['id']}/end")
    call = queue_task("call", {"phone": "+31 20 555 0100"})
    agent.post(f"/api/v1/tasks/{call['id']}/accept", json={})
    pane = agent.get(f"/desk/tasks/{call['id']}/pane").get_data(as_text=True)
    assert "+31 20 555 0100" in pane and 'id="desk-duration"' in pane


def test_O5_another_agents_pane_is_forbidden(desk_sign_in, queue_task):
    one, two = desk_sign_in("care1"), desk_sign_in("care2")
    chat = queue_task()
    one.post(f"/api/v1/tasks/{chat['id']}/accept", json={})
    assert one.get(f"/desk/tasks/{chat['id']}/pane").status_code == 200
    assert two.get(f"/desk/tasks/{chat['id']}/pane").status_code == 403
    assert two.get("/desk/tasks/999999/pane").status_code == 404


def test_D1_a_chats_transcript_is_in_the_journey(client, desk_sign_in, queue_task):
    agent = desk_sign_in("care1")
    chat = queue_task("chat", {"email": "ann@example.org"})
    accepted = agent.post(f"/api/v1/tasks/{chat['id']}/accept", json={}).get_json()
    customer_token = {"Authorization": f"Bearer {chat['chat_token']}"}
    client.post(f"/api/v1/tasks/{chat['id']}/messages", json={"body": "Hi"}, headers=customer_token)
    agent.post(f"/api/v1/tasks/{chat['id']}/messages", json={"body": "Hello Ann"})
    agent.post(f"/api/v1/tasks/{chat['id']}/end")
    customer_id = accepted["activity"]["customer_id"]
    journey = agent.get(f"/widget/customers/{customer_id}/journey").get_data(as_text=True)
    assert "Chat transcript (2)" in journey
    assert journey.index("Hi") < journey.index("Hello Ann")


def test_D5_ending_a_task_offers_the_next_one_at_once(app, desk_sign_in, queue_task):
    agent = desk_sign_in("care1")
    first = queue_task()
    agent.post(f"/api/v1/tasks/{first['id']}/accept", json={})
    with database.connection_context():
        offers.set_state("care1", "ready")
    second = queue_task("call", {"phone": "+31 20 555 0100"})
    assert agent.get("/api/v1/queue").get_json()["offer"] is None  # busy: no offer (D4)
    agent.post(f"/api/v1/tasks/{first['id']}/end")
    assert agent.get("/api/v1/queue").get_json()["offer"]["id"] == second["id"]


def test_D9_the_customers_socket_hears_its_own_chat_only(app, client, desk_sign_in, queue_task):
    agent = desk_sign_in("care1")
    mine, other = queue_task(), queue_task("chat", {"email": "eve@example.org"})
    url = ws_url(app.live_server.url) + f"?chat={mine['id']}&token={mine['chat_token']}"
    socket = Socket(url, "https://shop.example.com")  # any website may embed the widget
    try:
        agent.post(f"/api/v1/tasks/{mine['id']}/accept", json={})
        assert socket.next(of_type("chat"))["state"] == "active"
        agent.post(f"/api/v1/tasks/{mine['id']}/messages", json={"body": "Hello"})
        assert socket.next(of_type("message"))["message"]["body"] == "Hello"
        headers = {"Authorization": f"Bearer {other['chat_token']}"}
        client.post(f"/api/v1/tasks/{other['id']}/messages", json={"body": "x"}, headers=headers)
        queue_task("call", {"phone": "+31 20 555 0101"})
        agent.post(f"/api/v1/tasks/{mine['id']}/end")
        assert socket.next(of_type("chat"))["state"] == "ended"
        seen = [event["type"] for event in socket.seen]
        assert "queue" not in seen and "offer" not in seen
        assert [e for e in socket.seen if e["type"] == "message"] == [socket.seen[1]]
    finally:
        socket.close()


def test_D1_the_agent_hears_the_visitor_typing_and_nothing_else_from_the_visitors_socket(
    app, desk_sign_in, queue_task, live_socket
):
    agent = desk_sign_in("care1")
    chat = queue_task()
    agent.post(f"/api/v1/tasks/{chat['id']}/accept", json={})
    agents_socket = live_socket(agent)
    url = ws_url(app.live_server.url) + f"?chat={chat['id']}&token={chat['chat_token']}"
    visitor = Socket(url, "https://shop.example.com")
    try:
        visitor.send(type="typing")
        assert agents_socket.next(of_type("typing")) == {
            "type": "typing",
            "to": "care1",
            "task": chat["id"],
        }
        # What an agent's socket may say (watch a record) a visitor's socket may not.
        visitor.send(type="watch", kind="customer", id="1")
        visitor.send(type="typing")  # within a second of the first: not passed on
        assert visitor.quiet(0.5) == []
        assert [e for e in agents_socket.quiet(0.5) if e["type"] == "typing"] == []
    finally:
        visitor.close()


def test_O5_a_chat_token_opens_no_other_chats_socket(app, queue_task):
    mine, other = queue_task(), queue_task("chat", {"email": "eve@example.org"})
    base = ws_url(app.live_server.url)
    for query in (
        f"?chat={other['id']}&token={mine['chat_token']}",
        f"?chat={mine['id']}&token=wrong",
        f"?chat={mine['id']}",
        f"?chat=abc&token={mine['chat_token']}",
    ):
        assert refused_status(base + query, "https://shop.example.com") == 401, query
    assert refused_status(base + f"?chat={mine['id']}&token={mine['chat_token']}") == 101


def test_D5_a_declined_offer_goes_to_the_next_ready_agent_and_the_agent_is_not_ready(
    app, desk_sign_in, queue_task
):
    one, two = desk_sign_in("care1"), desk_sign_in("care2")
    with database.connection_context():
        offers.set_state("care1", "ready")
    task = queue_task()
    offered = one.get("/api/v1/queue").get_json()["offer"]
    assert offered["id"] == task["id"]
    with database.connection_context():
        offers.set_state("care2", "ready")
    # Not another agent's offer, nor an offer by another number.
    assert two.post(f"/api/v1/tasks/{task['id']}/decline", json={"offer": 1}).status_code == 409
    assert one.post(f"/api/v1/tasks/{task['id']}/decline", json={"offer": 2}).status_code == 409
    assert one.post(f"/api/v1/tasks/{task['id']}/decline", json={}).status_code == 422
    declined = one.post(f"/api/v1/tasks/{task['id']}/decline", json={"offer": 1})
    assert declined.status_code == 200
    assert (declined.get_json()["state"], declined.get_json()["reason"]) == (
        "not_ready",
        "declined",
    )
    assert two.get("/api/v1/queue").get_json()["offer"]["id"] == task["id"]
    assert one.get("/api/v1/queue").get_json()["offer"] is None
    again = one.post(f"/api/v1/tasks/{task['id']}/decline", json={"offer": 1})
    assert again.status_code == 409 and again.get_json()["type"] == "/problems/offer-expired"


def test_D9_F6_the_name_a_visitor_gave_prefills_the_form_that_makes_them_a_customer(
    client, desk_sign_in
):
    chat = client.post(
        "/api/v1/chats", json={"name": "Ann Visitor", "email": "ann@example.org"}
    ).get_json()
    agent = desk_sign_in("care1")
    accepted = agent.post(f"/api/v1/tasks/{chat['id']}/accept", json={}).get_json()
    customer_id = accepted["activity"]["customer_id"]
    card = agent.get(
        f"/widget/customers/{customer_id}?activity={accepted['activity']['id']}"
    ).get_data(as_text=True)
    assert 'value="Ann Visitor"' in card and 'value="ann@example.org"' in card
    assert 'data-known="false"' in card  # a prefill only: the agent still creates (C7)
