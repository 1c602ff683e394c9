"""The customer's side of a chat (D9): a visitor starts a chat from the chat widget on a
website, and reaches that one chat, and nothing else, with the token it was handed (O5).

A visitor can leave a chat two ways: End chat in the widget, or by going away (the page
closed, the network gone). The second is seen from the visitor's sockets: while one is open
the chat is kept "here" in Redis (a sorted set per chat, scored by when each socket's entry
lapses, refreshed by the live hub's tick), so every web process and worker sees it; when
none has been open for CHAT_GONE_AFTER seconds, a timed check lets the chat go.
"""

import time
import uuid
from dataclasses import dataclass

from flask import current_app

from server.inputs import parse_id
from server.models import Task, TaskMessage
from server.services import tasks
from server.services.records import unit_of_work
from server.services.sessions import Unauthorized

MESSAGES_SHOWN = 500
HERE_FOR = 30  # seconds a visitor's socket counts as open without a refresh (ticks: 10 s)
HERE_KEY = "context-desk:chat-visitor:"
KEPT_FOR = 3600  # seconds a chat's entries outlive their last change (CHAT_GONE_AFTER is less)
EARLY = 2  # seconds a timed check may run before its time (whole seconds, a 1 s scheduler)


@dataclass(frozen=True, slots=True)
class ChatView:
    """What the visitor sees of their chat: its state and the conversation so far."""

    task: Task
    messages: list

    @property
    def id(self):
        return self.task.id

    @property
    def status(self):
        """waiting (for an agent), active (an agent has joined) or ended."""
        if self.task.customer_left_at is not None:
            return "ended"
        return {"active": "active", "ended": "ended", "abandoned": "ended"}.get(
            self.task.status, "waiting"
        )


def start(name, email):
    """Queue a chat for the visitor: their email finds them among the customers (C1). A
    visitor whose socket never opens (the page closed at once) has left it all the same."""
    created = tasks.create_task("chat", {"email": email}, contact_name=name)
    _check_later(created.task.id)
    return created


def leave(task):
    """The visitor ends its chat (`customer_chat`'s; End chat in the widget); returns the
    task as it is now."""
    tasks.customer_left(task.id)
    return Task.get_by_id(task.id)


# Is the visitor still there?


def _here_key(task_id):
    return f"{HERE_KEY}{task_id}"


def visitor_here(redis, task_id, connection_id, at=None):
    """A socket of the chat's visitor is open (called when it opens and on each hub tick)."""
    at = time.time() if at is None else at
    pipe = redis.pipeline()
    pipe.zadd(_here_key(task_id), {connection_id: at + HERE_FOR})
    pipe.expire(_here_key(task_id), KEPT_FOR)
    pipe.execute()


def visitor_gone(redis, task_id, connection_id, at=None):
    """A socket of the visitor closed: if none is open again in CHAT_GONE_AFTER seconds (a
    reload takes one or two), the visitor has left. Its entry stays, scored by when it
    closed, so a check counts the time away from the last socket that closed."""
    at = time.time() if at is None else at
    pipe = redis.pipeline()
    pipe.zadd(_here_key(task_id), {connection_id: at})
    pipe.expire(_here_key(task_id), KEPT_FOR)
    pipe.execute()
    _check_later(task_id)


def visitor_seen_within(redis, task_id, seconds, at=None):
    """Whether a socket of the chat's visitor is open now, or was, `seconds` ago (any process)."""
    at = time.time() if at is None else at
    return bool(redis.zcount(_here_key(task_id), at - seconds, "+inf"))


def _check_later(task_id):
    with unit_of_work() as outbox:
        outbox.schedule(
            current_app.config["CHAT_GONE_AFTER"],
            "server.jobs.chat_gone",
            int(task_id),
            job_id=f"chat-gone-{task_id}-{uuid.uuid4().hex[:12]}",
            description=f"has the visitor left chat {task_id}?",
        )


def check_gone(redis, task_id):
    """The timed check: a chat whose visitor has no socket open has been left. Returns
    whether it was left now."""
    task = Task.get_or_none(Task.id == task_id)
    if task is None or task.customer_left_at is not None or task.status in ("ended", "abandoned"):
        return False
    # RQ runs a timed job at the earliest a second before its time: the check allows for it.
    if visitor_seen_within(redis, task_id, current_app.config["CHAT_GONE_AFTER"] - EARLY):
        return False  # here, or back since; the next socket to close schedules its own check
    tasks.customer_left(task_id)
    return True


def customer_chat(task_id, token):
    """The chat this token was handed out for; 401 for any other id or token alike, so a
    token cannot probe which chats exist."""
    number = parse_id(task_id)  # not str.isdigit: "１２" and 2**64 name no chat (O3)
    task = Task.get_or_none(Task.id == number) if token and number is not None else None
    if task is None or task.medium != "chat" or not tasks.is_customer_of(task, token):
        raise Unauthorized("This chat token is not valid for this chat.")
    return task


def view(task, after=None):
    """The visitor's chat (`customer_chat`'s) with its messages after message id `after`,
    oldest first."""
    query = TaskMessage.select().where(TaskMessage.task == task.id)
    if after:
        query = query.where(TaskMessage.id > int(after))
    return ChatView(task, list(query.order_by(TaskMessage.id).limit(MESSAGES_SHOWN)))


def typing(task_id):
    """The visitor is typing: tell the agent handling the chat, if any (D1). The socket that
    calls this was opened with the chat's token, so the task is the visitor's own."""
    task = Task.get_or_none(Task.id == task_id)
    if task is None or task.status != "active" or task.agent_id is None:
        return False
    with unit_of_work() as outbox:
        outbox.add({"type": "typing", "to": task.agent_id, "task": str(task.id)})
    return True


def say(task, body):
    """A message from the visitor in its chat (`customer_chat`'s)."""
    return tasks.post_message(task.id, body)
