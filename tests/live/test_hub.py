"""The hub of one process, without sockets: routing, slow browsers, Redis going away."""

import json
import threading

import pytest
import redis

from server.embedded import start_embedded_redis
from server.realtime import protocol
from server.realtime.connection import Connection
from server.realtime.hub import Hub
from server.services.records import events_channel
from tests.live.conftest import wait_until


class Browser:
    """What a socket's thread would do: collect what the hub queued for it."""

    def __init__(self, hub, agent_id, **options):
        self.wake = threading.Event()
        self.cut = threading.Event()
        self.connection = hub.connect(
            agent_id, agent_id.title(), wake=self.wake, cut_off=self.cut.set, **options
        )
        self.received = []

    def events(self):
        self.received += [json.loads(text) for text in self.connection.take()]
        return self.received


@pytest.fixture
def hub(app):
    hub = Hub(app.extensions["redis"].client, tick_every=0.2)
    yield hub
    hub.stop()


def publish(client, **event):
    client.publish(events_channel(client), json.dumps(event))


def test_C3_routing_sends_changes_to_watchers_but_not_the_author():
    a, b, c = (Connection(agent, agent) for agent in ("agent1", "agent2", "agent3"))
    watchers = {("request", "7"): {a, b}, ("customer", "3"): {a, c}}
    by_agent = {"agent1": {a}, "agent2": {b}, "agent3": {c}}
    event = {"type": "changed", "kind": "request", "id": "7", "version": 4, "by": "agent2"}
    assert protocol.recipients(event, watchers, by_agent) == [(a, event)]
    presence = {
        "type": "presence",
        "kind": "customer",
        "id": "3",
        "agents": [{"id": "agent1"}, {"id": "agent3"}],
    }
    sent = dict(protocol.recipients(presence, watchers, by_agent))
    assert sent[a]["agents"] == [{"id": "agent3"}] and sent[c]["agents"] == [{"id": "agent1"}]
    offer = {"type": "offer", "to": "agent3", "task": {}}
    assert protocol.recipients(offer, watchers, by_agent) == [(c, offer)]
    assert (
        protocol.recipients(
            {"type": "changed", "kind": "request", "id": "8", "by": "x"}, watchers, by_agent
        )
        == []
    )


def test_C3_a_slow_browser_is_cut_off_and_stalls_nobody(hub, app):
    slow = Browser(hub, "agent1", limit=5)
    quick = Browser(hub, "agent2", limit=5)
    for browser in (slow, quick):
        hub.watch(browser.connection, "request", "7")
    for version in range(2, 12):
        hub.deliver(
            {"type": "changed", "kind": "request", "id": "7", "version": version, "by": "agent3"}
        )
        quick.events()  # the quick browser keeps up; the slow one never reads
    assert slow.cut.is_set() and slow.connection.closed
    assert [e["version"] for e in quick.events()] == list(range(2, 12))
    assert quick.connection.closed is False


def test_C3_delivery_resumes_after_the_redis_connection_is_killed(hub, app):
    client = app.extensions["redis"].client
    browser = Browser(hub, "agent1")
    hub.watch(browser.connection, "request", "7")
    assert hub.subscribed.wait(5)
    name = hub.client_name
    # Only this hub's connection: other tests and engineers share the Redis server.
    mine = [c for c in client.client_list() if c.get("name") == name and "subscribe" in c["cmd"]]
    assert mine
    for connection in mine:
        client.client_kill_filter(_id=connection["id"])
    wait_until(lambda: hub.subscriptions >= 2, timeout=10)
    publish(client, type="changed", kind="request", id="7", version=9, by="agent2")
    wait_until(lambda: any(e["type"] == "changed" for e in browser.events()))
    types = [e["type"] for e in browser.events()]
    assert "resync" in types  # what was published while away is re-checked by the browser


def test_C3_delivery_resumes_after_redis_restarts(tmp_path):
    url, stop = start_embedded_redis(str(tmp_path))
    client = redis.Redis.from_url(url)
    hub = Hub(client, tick_every=0.2)
    browser = Browser(hub, "agent1")
    hub.watch(browser.connection, "request", "7")
    try:
        assert hub.subscribed.wait(5)
        stop()
        wait_until(lambda: not hub.subscribed.is_set(), timeout=5)
        _url, stop = start_embedded_redis(str(tmp_path))
        assert hub.subscribed.wait(10)
        publish(client, type="changed", kind="request", id="7", version=3, by="agent2")
        wait_until(lambda: any(e["type"] == "changed" for e in browser.events()))
    finally:
        hub.stop()
        client.close()
        stop()
