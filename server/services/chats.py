"""The customer's side of a chat (D9): a visitor starts a chat from the chat widget on a
website, and reaches that one chat, and nothing else, with the token it was handed (O5)."""

from dataclasses import dataclass

from server.models import Task, TaskMessage
from server.services import tasks
from server.services.records import unit_of_work
from server.services.sessions import Unauthorized

MESSAGES_SHOWN = 500


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
        return {"active": "active", "ended": "ended"}.get(self.task.status, "waiting")


def start(name, email):
    """Queue a chat for the visitor: their email finds them among the customers (C1)."""
    return tasks.create_task("chat", {"email": email}, contact_name=name)


def customer_chat(task_id, token):
    """The chat this token was handed out for; 401 for any other id or token alike, so a
    token cannot probe which chats exist."""
    task = None
    if token and str(task_id).isdigit():
        task = Task.get_or_none(Task.id == int(task_id))
    if task is None or task.medium != "chat" or not tasks.is_customer_of(task, token):
        raise Unauthorized("This chat token is not valid for this chat.")
    return task


def view(task_id, token, after=None):
    """The visitor's chat with its messages (after message id `after`), oldest first."""
    task = customer_chat(task_id, token)
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


def say(task_id, token, body):
    """A message from the visitor."""
    task = customer_chat(task_id, token)
    return tasks.post_message(task.id, body)
