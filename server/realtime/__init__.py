"""Live events over a WebSocket at `/ws` (C3, D5): a thin adapter over the hub.

A browser connects with `?token=<session token>` from an allowed Origin, says which records
it has on screen (`watch`/`unwatch`) and when its agent types (`typing`), and receives
`changed`, `presence`, `interaction`, `offer`, `state`, `message` and `queue` events as JSON.

A customer's chat widget connects with `?chat=<task id>&token=<chat token>` from any website:
it only listens, and hears the `message` and `chat` events of its own chat (D9, O5).
"""

import json
import logging
import socket
import time

from flask import Blueprint, current_app, g, request
from simple_websocket import ConnectionClosed

from server import cors, metrics
from server.auth import sessions
from server.errors import Problem
from server.extensions import redis_client, sock
from server.models import database
from server.realtime.hub import Hub, TooManySockets
from server.realtime.protocol import customer_key
from server.services import chats
from server.services.sessions import Unauthorized

bp = Blueprint("realtime", __name__)

log = logging.getLogger(__name__)

IDLE_WAIT = 30  # seconds; the loop wakes sooner for every message in or out
TYPING_EVERY = 1.0  # seconds: a visitor's "typing" reaches the agent at most this often
CLOSE_WAIT = 2  # seconds a refused socket waits for the browser's Close
MAX_MESSAGE = 16 * 1024  # bytes a browser message may have (ours are a few dozen)


def init_app(app):
    """Register `/ws` and this process's hub (its subscriber starts with the first socket)."""
    app.config["SOCK_SERVER_OPTIONS"] = {
        "max_message_size": MAX_MESSAGE,
        **app.config["SOCK_SERVER_OPTIONS"],
    }
    app.extensions["live"] = Hub(redis_client())
    app.register_blueprint(bp)


def socket_caps(config):
    """(per session, per agent, per process): a socket holds a web thread while it is open,
    so a quarter of WEB_THREADS (at least 4) is never a socket's (issue 12: 40 sockets of one
    token once took every thread, and /healthz and sign-in timed out)."""
    threads = config["WEB_THREADS"]
    total = config["LIVE_MAX_SOCKETS"] or max(1, threads - max(4, threads // 4))
    return config["LIVE_SOCKETS_PER_SESSION"], config["LIVE_SOCKETS_PER_AGENT"], total


def hub():
    return current_app.extensions["live"]


@bp.before_request
def admit():
    """Only an agent's page from an allowed origin may open a socket: 403 / 401 before the
    upgrade, so a page elsewhere cannot ride on an agent's token (cross-site WebSocket hijack)."""
    if request.args.get("chat"):
        # A visitor's chat widget, on any website: the token is no cookie a page elsewhere
        # could ride on, so no Origin check; it reaches its own chat's events only.
        g.chat_task = chats.customer_chat(request.args["chat"], request.args.get("token")).id
        _let_go_of_the_database()
        return
    g.chat_task = None
    # The same origins as the API's CORS: the Finesse desktop host(s) and the service's own.
    if not cors.is_allowed(request.headers.get("Origin")):
        raise Problem(
            403,
            "Live events are only for pages from an allowed origin.",
            type_="/problems/forbidden-origin",
        )
    token = request.args.get("token")
    if not token:
        raise Unauthorized("Connect with ?token=<session token>.")
    g.agent, g.session_id = sessions().agent_for(token)
    _let_go_of_the_database()


def _let_go_of_the_database():
    # A socket lives for hours: it must not hold a pooled database connection all that time.
    if g.pop("opened_database", False) and not database.is_closed():
        database.close()


@sock.route("/ws", bp=bp)
def live(ws):
    """Pass browser messages to the hub and queued events to the browser, until it goes."""
    customer = g.chat_task is not None
    if customer:
        holder, name, session_id = customer_key(g.chat_task), "customer", None
    else:
        holder, name, session_id = g.agent.id, g.agent.name, g.session_id
    try:
        # A chat's customer is capped like an agent, by its chat (its holder).
        connection = hub().connect(
            holder,
            name,
            session_id,
            caps=socket_caps(current_app.config),
            wake=ws.event,
            cut_off=lambda: _shut(ws),
        )
    except TooManySockets as refused:
        # The closing handshake (RFC 6455 §7.1.1): wait for the browser's Close before the
        # connection goes, or it may lose the code to a reset.
        ws.event.clear()
        ws.close(reason=refused.code, message=refused.reason)
        ws.event.wait(CLOSE_WAIT)
        return
    if customer:
        _visitor(chats.visitor_here, g.chat_task, connection.id)
    try:
        metrics.SOCKETS_OPEN.inc()
        while ws.connected and not connection.closed:
            # ws.event is set by simple-websocket for each incoming message and by the hub for
            # each queued event; receive(timeout=0) clears it once nothing is left to read.
            ws.event.wait(IDLE_WAIT)
            while (text := ws.receive(timeout=0)) is not None:
                if not customer:
                    hub().receive(connection, text)
                else:  # a visitor's socket only says that the visitor is typing
                    _visitor_typing(connection, text, g.chat_task)
            for message in connection.take():
                ws.send(message)
    except (ConnectionClosed, OSError):
        pass  # the browser went away; nothing to tell it
    finally:
        metrics.SOCKETS_OPEN.dec()
        if customer:
            _visitor(chats.visitor_gone, g.chat_task, connection.id)
        hub().disconnect(connection)
    if connection.close_code is not None:
        try:
            ws.close(connection.close_code, "The server is restarting; connect again.")
        except (ConnectionClosed, OSError):
            pass


def _visitor(say, task_id, connection_id):
    """Tell the chat's presence that a visitor's socket opened or closed; Redis or the
    database being away must not break the socket (the next tick or close tries again)."""
    try:
        with database.connection_context():
            say(redis_client(), task_id, connection_id)
    except Exception:
        log.exception("could not note a chat visitor's socket")


def _visitor_typing(connection, text, task_id):
    try:
        said = json.loads(text)
    except ValueError:
        return
    now = time.monotonic()
    if not isinstance(said, dict) or said.get("type") != "typing":
        return
    if now - connection.last_typing < TYPING_EVERY:
        return
    connection.last_typing = now
    try:
        with database.connection_context():
            chats.typing(task_id)
    except Exception:  # typing is a nicety: it must never end the visitor's socket
        log.exception("could not pass on a visitor's typing")


def _shut(ws):
    """Cut a socket off, even while its thread is blocked sending to a browser that reads
    nothing: shutting the TCP socket makes that send fail at once."""
    try:
        ws.sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
