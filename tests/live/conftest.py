"""Live-event fixtures: real WebSocket clients against the live HTTP server."""

import json
import socket
import time
from urllib.parse import urlsplit

import pytest
import simple_websocket
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, Request, TextMessage

# The browser tests use the harness's desktop page, at another loopback name (cross-origin).
from tests.harness.conftest import desktop, harness_url  # noqa: F401
from tests.waiting import wait_until  # noqa: F401  (other tests import it from here)


class Socket:
    """A browser's live socket, as a test drives it: send messages, wait for events."""

    def __init__(self, url, origin):
        self.ws = simple_websocket.Client.connect(url, headers={"Origin": origin})
        self.seen = []
        self.backlog = []  # events that arrived while waiting for an acknowledgement

    def send(self, **message):
        self.ws.send(json.dumps(message))

    def watch(self, kind, record_id):
        """Watch a record and wait for the server's acknowledgement."""
        self.send(type="watch", kind=kind, id=str(record_id))
        seen = len(self.seen)
        self.next(
            lambda e: e["type"] == "watching" and e["id"] == str(record_id) and e["kind"] == kind
        )
        self.backlog += self.seen[seen:-1]

    def unwatch(self, kind, record_id):
        self.send(type="unwatch", kind=kind, id=str(record_id))

    def next(self, match=None, timeout=3.0):
        """The next event (that `match` accepts), or AssertionError after `timeout` seconds."""
        for event in self.backlog:
            if match is None or match(event):
                self.backlog.remove(event)
                return event
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            text = self.ws.receive(timeout=max(left, 0)) if left > 0 else None
            if text is None:
                raise AssertionError(f"no matching event within {timeout} s; saw {self.seen}")
            event = json.loads(text)
            self.seen.append(event)
            if match is None or match(event):
                return event

    def quiet(self, seconds=0.3):
        """Events that arrive within `seconds` (to show that nothing else came)."""
        events, self.backlog = self.backlog, []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            text = self.ws.receive(timeout=left)
            if text is not None:
                event = json.loads(text)
                events.append(event)
                self.seen.append(event)
        return events

    def close(self):
        try:
            self.ws.close()
        except simple_websocket.ConnectionClosed:
            pass


def ws_url(base_url, token=None):
    url = base_url.replace("http://", "ws://", 1) + "/ws"
    return url + (f"?token={token}" if token else "")


def changed(kind, record_id):
    return lambda e: e["type"] == "changed" and e["kind"] == kind and e["id"] == str(record_id)


def of_type(kind):
    return lambda e: e["type"] == kind


@pytest.fixture
def live_socket(app):
    """`live_socket(agent)` opens that agent's socket from the service's own origin."""
    opened = []

    def open_socket(agent, origin=None, base_url=None):
        socket = Socket(
            ws_url(base_url or app.live_server.url, agent.token), origin or app.config["PUBLIC_URL"]
        )
        opened.append(socket)
        return socket

    yield open_socket
    for live in opened:
        live.close()


class RawSocket:
    """A browser that stops reading: the WebSocket handshake by hand, then only what the test
    sends (no answer to pings, nothing read), for the heartbeat and slow-reader tests."""

    def __init__(self, base_url, token, origin, receive_buffer=None):
        parts = urlsplit(base_url)
        self.sock = socket.socket()
        if receive_buffer:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self.sock.connect((parts.hostname, parts.port))
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.sock.sendall(
            self.ws.send(
                Request(
                    host=parts.netloc,
                    target=f"/ws?token={token}",
                    extra_headers=[(b"origin", origin.encode())],
                )
            )
        )
        self.sock.settimeout(5)
        while True:
            self.ws.receive_data(self.sock.recv(4096))
            events = list(self.ws.events())
            if events:
                assert isinstance(events[0], AcceptConnection), events
                break

    def send(self, **message):
        self.sock.sendall(self.ws.send(TextMessage(data=json.dumps(message))))

    def closed_by_server(self, timeout=5.0):
        """Read (and drop) what arrives until the server closes the connection."""
        self.sock.settimeout(timeout)
        try:
            while self.sock.recv(65536):
                pass
        except (TimeoutError, ConnectionError):
            return False
        return True

    def close(self):
        self.sock.close()


@pytest.fixture
def raw_socket(app):
    opened = []

    def open_socket(agent, receive_buffer=None):
        raw = RawSocket(app.live_server.url, agent.token, app.config["PUBLIC_URL"], receive_buffer)
        opened.append(raw)
        return raw

    yield open_socket
    for raw in opened:
        raw.close()
