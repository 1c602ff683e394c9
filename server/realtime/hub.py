"""The live hub of one web process: its sockets, what they watch, and its Redis subscriber.

Every process runs one subscriber thread (started with the first socket) on the events
channel, and passes each event to its own sockets. An event is only queued for a socket,
never sent from the subscriber thread: each socket's own thread sends, so a browser that
reads slowly stalls nobody else, and one whose queue fills up is cut off (it reconnects and
re-checks what it shows).
"""

import collections
import json
import logging
import os
import threading
import time
import uuid

import redis as redis_lib

from server import metrics
from server.models import database
from server.realtime import protocol
from server.realtime.connection import QUEUE_LIMIT, Connection
from server.services import chats, presence, sessions
from server.services.records import events_channel

log = logging.getLogger(__name__)

MAX_WATCHES = 500  # records one socket may have on screen
TYPING_EVERY = 1.0  # seconds between two "typing" announcements of one socket
TICK_EVERY = 10  # seconds between presence refreshes and session checks
RETRY_FIRST, RETRY_MAX = 0.2, 5.0  # back-off while Redis is away
SUBSCRIBE_WAIT = 3.0  # seconds a new socket waits for this process's subscription
SERVICE_RESTART = 1012  # WebSocket close code: "the service is restarting", reconnect


# WebSocket close codes (RFC 6455) for a socket refused after the upgrade.
POLICY = 1008  # a cap of the session or the agent: more would break the rules
TRY_AGAIN_LATER = 1013  # the process's cap: the threads left are the API's


class TooManySockets(Exception):
    def __init__(self, code, reason):
        super().__init__(reason)
        self.code = code
        self.reason = reason


class Hub:
    """This process's sockets and its subscription to the events every process publishes."""

    def __init__(self, redis, *, queue_limit=QUEUE_LIMIT, tick_every=TICK_EVERY):
        self.redis = redis
        self.queue_limit = queue_limit
        self.tick_every = tick_every
        self.subscribed = threading.Event()  # set while the subscription is live
        self.subscriptions = 0  # how many times it (re)subscribed, for tests and logs
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._reset()

    def _reset(self):
        self._by_agent = collections.defaultdict(set)
        self._watchers = collections.defaultdict(set)
        self._names = {}
        self._thread = None
        self._closing = None  # a close code once the process is stopping
        self._pid = os.getpid()
        self.client_name = f"context-desk-live-{self._pid}-{uuid.uuid4().hex[:8]}"

    # Sockets

    def connect(self, agent_id, name, session_id=None, *, caps=None, **options):
        """Register a new socket of an agent and make sure this process is subscribed.

        `caps` (per session, per agent, per process) refuse it with `TooManySockets` when
        reached, checked and counted under one lock so two sockets cannot both slip in.
        """
        options.setdefault("limit", self.queue_limit)
        connection = Connection(agent_id, name, session_id, **options)
        self.start()
        # The first socket of a process waits for the subscription, so that the changes the
        # browser hears of from its first "watching" on are not published into the void.
        self.subscribed.wait(SUBSCRIBE_WAIT)
        with self._lock:
            if caps is not None:
                self._admit(agent_id, session_id, *caps)
            self._by_agent[agent_id].add(connection)
            self._names[agent_id] = name
            closing = self._closing
        if closing is not None:  # opened while the process stops: off to another one
            connection.ask_to_reconnect(closing)
        return connection

    def _admit(self, agent_id, session_id, per_session, per_agent, total):
        mine = self._by_agent.get(agent_id, ())
        if sum(1 for c in mine if c.session_id == session_id) >= per_session:
            raise TooManySockets(POLICY, "too many live connections for this session")
        if len(mine) >= per_agent:
            raise TooManySockets(POLICY, "too many live connections for this agent")
        if sum(len(group) for group in self._by_agent.values()) >= total:
            raise TooManySockets(TRY_AGAIN_LATER, "the service is busy; try again later")

    def cut_off(self, agent_id):
        """Close an agent's sockets on this process (their browsers reconnect and re-check)."""
        with self._lock:
            connections = list(self._by_agent.get(agent_id, ()))
        for connection in connections:
            connection.close()
        return len(connections)

    def ask_all_to_reconnect(self, code=SERVICE_RESTART):
        """The process is stopping: every browser is to reconnect (to another process)."""
        with self._lock:
            self._closing = code
            connections = [c for group in self._by_agent.values() for c in group]
        for connection in connections:
            connection.ask_to_reconnect(code)
        return len(connections)

    def sockets(self, agent_id=None):
        """How many sockets this process has open (for one agent, or for all)."""
        with self._lock:
            if agent_id is not None:
                return len(self._by_agent.get(agent_id, ()))
            return sum(len(group) for group in self._by_agent.values())

    def watching(self, kind, record_id):
        """How many of this process's sockets have this record on screen."""
        with self._lock:
            return len(self._watchers.get((kind, str(record_id)), ()))

    def disconnect(self, connection):
        """Forget a socket that closed; the customers it showed learn that the agent left."""
        connection.closed = True
        with self._lock:
            self._by_agent[connection.agent_id].discard(connection)
            if not self._by_agent[connection.agent_id]:
                del self._by_agent[connection.agent_id]
            watched = list(connection.watching)
            for key in watched:
                self._forget_watch(connection, key)
        for kind, record_id in watched:
            if kind == "customer":
                self._left(connection, record_id)

    def _forget_watch(self, connection, key):
        connection.watching.discard(key)
        self._watchers[key].discard(connection)
        if not self._watchers[key]:
            del self._watchers[key]

    def receive(self, connection, text):
        """Act on one message from a browser: watch, unwatch or typing."""
        try:
            message = protocol.parse_client_message(text)
        except protocol.BadMessage as error:
            connection.offer(json.dumps({"type": "error", "detail": str(error)}))
            return
        key = (message["kind"], message["id"])
        if message["type"] == "watch":
            self.watch(connection, *key)
            # The acknowledgement tells the browser that changes from now on will reach it.
            connection.offer(json.dumps({"type": "watching", "kind": key[0], "id": key[1]}))
        elif message["type"] == "unwatch":
            self.unwatch(connection, *key)
        else:
            self.typing(connection, *key, message["field"])

    def watch(self, connection, kind, record_id):
        """The socket shows this record now: it gets its changes (and, for a customer, presence)."""
        key = (kind, str(record_id))
        with self._lock:
            if key in connection.watching:
                return False
            if len(connection.watching) >= MAX_WATCHES:
                connection.offer(
                    json.dumps({"type": "error", "detail": "Too many records on screen."})
                )
                return False
            connection.watching.add(key)
            self._watchers[key].add(connection)
        if kind == "customer":
            self._guard(
                presence.arrive,
                self.redis,
                key[1],
                connection.agent_id,
                connection.name,
                connection.id,
            )
            self._guard(presence.announce, self.redis, key[1])
        return True

    def unwatch(self, connection, kind, record_id):
        key = (kind, str(record_id))
        with self._lock:
            if key not in connection.watching:
                return False
            self._forget_watch(connection, key)
        if kind == "customer":
            self._left(connection, key[1])
        return True

    def typing(self, connection, kind, record_id, field, at=None):
        """The agent types in a field: the customer's other watchers see "editing"."""
        at = time.monotonic() if at is None else at
        if at - connection.last_typing < TYPING_EVERY:
            return False  # a burst of keystrokes is one announcement
        connection.last_typing = at
        with database.connection_context():
            customer_id = presence.customer_of(kind, record_id)
        if customer_id is None or ("customer", str(customer_id)) not in connection.watching:
            return False
        self._guard(
            presence.typing,
            self.redis,
            customer_id,
            connection.agent_id,
            connection.name,
            kind,
            record_id,
            field,
        )
        self._guard(presence.announce, self.redis, customer_id)
        return True

    def _left(self, connection, customer_id):
        self._guard(
            presence.leave,
            self.redis,
            customer_id,
            connection.agent_id,
            connection.name,
            connection.id,
        )
        self._guard(presence.announce, self.redis, customer_id)

    def _guard(self, function, *args):
        """Presence is a courtesy: Redis being away must not break the socket."""
        try:
            return function(*args)
        except redis_lib.RedisError:
            log.warning("presence: %s failed; Redis is away", function.__name__)
            return None

    # Events

    def deliver(self, event):
        """Queue one event for every socket of this process that should get it."""
        if event.get("type") == "changed" and event.get("by") and "by_name" not in event:
            event["by_name"] = self.name_of(event["by"])
        with self._lock:
            targets = protocol.recipients(event, self._watchers, self._by_agent)
        encoded = {}
        for connection, message in targets:
            text = encoded.get(id(message))
            if text is None:
                text = encoded[id(message)] = json.dumps(message)
            connection.offer(text)
        if targets:
            metrics.EVENTS_DELIVERED.labels(event.get("type") or "unknown").inc(len(targets))
        return len(targets)

    def broadcast(self, message):
        """Queue one message for every socket of this process."""
        text = json.dumps(message)
        with self._lock:
            connections = [c for group in self._by_agent.values() for c in group]
        for connection in connections:
            connection.offer(text)

    def name_of(self, agent_id):
        """An agent's display name, for "changed by …" (cached: names rarely change)."""
        name = self._names.get(agent_id)
        if name is None:
            try:
                with database.connection_context():
                    name = sessions.agent_name(agent_id)
            except Exception:  # the name is a nicety; the event still goes out
                log.exception("could not look up agent %s", agent_id)
                return agent_id
            self._names[agent_id] = name
        return name

    # The subscriber

    def start(self):
        """Start this process's subscriber thread, once (again in a forked child)."""
        with self._lock:
            if self._pid != os.getpid():
                self._reset()  # forked: the parent's thread and sockets are not ours
            if self._thread is None:
                self._stopping.clear()
                self._thread = threading.Thread(
                    target=self._listen, name="live-subscriber", daemon=True
                )
                self._thread.start()

    def stop(self, timeout=5):
        self._stopping.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        self._thread = None
        self.subscribed.clear()

    def _subscriber_client(self):
        """A client of its own for the subscription, named so operators (and tests) can find it."""
        pool = self.redis.connection_pool
        kwargs = {**pool.connection_kwargs, "client_name": self.client_name}
        return redis_lib.Redis(
            connection_pool=type(pool)(connection_class=pool.connection_class, **kwargs)
        )

    def _listen(self):
        """Listen on the events channel for ever, resubscribing after Redis restarts or drops."""
        retry = RETRY_FIRST
        client = self._subscriber_client()
        while not self._stopping.is_set():
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(events_channel(self.redis))
                if self.subscriptions:
                    log.warning("live events: subscribed again after losing Redis")
                    # Events published meanwhile are lost: browsers re-check what they show.
                    self.broadcast({"type": "resync"})
                self.subscriptions += 1
                self.subscribed.set()
                retry = RETRY_FIRST
                self._follow(pubsub)
            except (redis_lib.ConnectionError, redis_lib.TimeoutError, OSError) as error:
                self.subscribed.clear()
                log.warning(
                    "live events: Redis connection lost (%s); retrying in %.1f s", error, retry
                )
                self._stopping.wait(retry)
                retry = min(retry * 2, RETRY_MAX)
            finally:
                try:
                    pubsub.close()
                except Exception:  # closing a connection that is already gone
                    pass
        client.close()
        self.subscribed.clear()

    def _follow(self, pubsub):
        """Pass on events until the connection fails; a PING unanswered for a tick means a
        silent network drop (no reset ever arrives), which counts as a failure too."""
        next_tick = time.monotonic() + self.tick_every
        awaiting_pong = False
        while not self._stopping.is_set():
            message = pubsub.get_message(timeout=1.0)
            if message is not None:
                if message["type"] == "message":
                    self._deliver_raw(message["data"])
                elif message["type"] == "pong":
                    awaiting_pong = False
            if time.monotonic() >= next_tick:
                if awaiting_pong:
                    raise redis_lib.ConnectionError("Redis did not answer PING")
                pubsub.ping("live-check")
                awaiting_pong = True
                next_tick = time.monotonic() + self.tick_every
                self.tick()

    def _deliver_raw(self, data):
        try:
            event = json.loads(data)
        except ValueError:
            log.warning("live events: ignored a message that is not JSON")
            return
        if isinstance(event, dict):
            try:
                self.deliver(event)
            except Exception:  # one bad event must not stop the subscriber
                log.exception("live events: could not deliver %s", event.get("type"))

    def tick(self):
        """Every few seconds: keep this process's agents present and drop ended sessions."""
        with self._lock:
            connections = [c for group in self._by_agent.values() for c in group]
        seats = [
            (key[1], c.agent_id, c.name, c.id)
            for c in connections
            for key in list(c.watching)
            if key[0] == "customer"
        ]
        try:
            if seats:
                for customer_id in presence.refresh(self.redis, seats):
                    presence.announce(self.redis, customer_id)
            for connection in connections:
                if isinstance(connection.agent_id, tuple):  # a chat's visitor: still here
                    chats.visitor_here(self.redis, connection.agent_id[1], connection.id)
            with_session = [c for c in connections if c.session_id]
            if with_session:
                alive_ones = sessions.live_sessions(
                    [connection.session_id for connection in with_session]
                )
                for connection, alive in zip(with_session, alive_ones, strict=True):
                    if not alive:  # signed out or expired: the socket ends with the session
                        connection.close()
        except redis_lib.RedisError:
            log.warning("live events: presence refresh skipped; Redis is away")
