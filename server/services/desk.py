"""What the Care Desktop shows of the tasks (D1, D2): the queue with each customer's name,
the agent's offer and active tasks, and the communication pane of the agent's own task.

The JSON API has the same facts as rows (`tasks.queue_for`); the desk also needs, for each
task, who the customer is, found by the task's identity in one query per kind of identity.
"""

from dataclasses import dataclass

from server.clock import now
from server.errors import NotFound
from server.models import Customer, Request, Task, TaskMessage
from server.services import activities, journey, tasks
from server.services import identity as ids
from server.services.customers import IDENTITY_COLUMNS
from server.services.records import get_or_404
from server.services.tasks import Forbidden

QUEUE_SHOWN = 200
PANE_MESSAGES = 500


@dataclass(frozen=True, slots=True)
class DeskTask:
    """A task as a desk list shows it: the task row and its customer (None when unknown)."""

    task: Task
    customer: Customer | None

    @property
    def contact(self):
        """Who the customer said they are, for a customer with no record yet."""
        return self.task.contact_name or self.task.identity_value or ""


@dataclass(frozen=True, slots=True)
class DeskQueue:
    queued: list
    offer: DeskTask | None
    active: list
    at: object  # the time the lists were read: waiting times count from it


@dataclass(frozen=True, slots=True)
class Pane:
    """The communication pane of a task the agent handles (D1): the task, its customer and,
    for a chat, the conversation so far."""

    task: Task
    customer: Customer | None
    messages: list
    contact: str


@dataclass(frozen=True, slots=True)
class JourneyEntry:
    """One journey entry of a previewed task's customer, in full (D2): the entry as the
    journey shows it, its request with description and dates, the activity's comments and,
    for a chat, its transcript."""

    item: object  # a JourneyItem
    request: Request | None
    comments: list
    transcript: list


def _key(task):
    kind, key, _ = ids.normalise({task.identity_kind: task.identity_value or ""})
    return kind, key


def customers_of(tasks):
    """{task id: customer or None} for these tasks, found by identity as C1 would find them."""
    wanted = {}
    for task in tasks:
        kind, key = _key(task) if task.identity_kind else (None, None)
        if kind and key:
            wanted.setdefault(kind, set()).add(key)
    found = {}
    for kind, keys in wanted.items():
        column = IDENTITY_COLUMNS[kind]
        rows = (
            Customer.select()
            .where(column.in_(sorted(keys)))
            .order_by(Customer.known, Customer.updated_at, Customer.id)
        )
        for customer in rows:  # the best match last, so it wins: known, then newest
            found[(kind, getattr(customer, kind))] = customer
    return {task.id: found.get(_key(task)) if task.identity_kind else None for task in tasks}


def queue(agent_id):
    """The queue (oldest first), the task on offer to this agent and its active tasks."""
    queued = list(
        Task.select()
        .where(Task.status == "queued")
        .order_by(Task.queued_at, Task.id)
        .limit(QUEUE_SHOWN)
    )
    mine = list(
        Task.select()
        .where((Task.agent == agent_id) & Task.status.in_(["offered", "active"]))
        .order_by(Task.accepted_at, Task.id)
    )
    who = customers_of(queued + mine)
    offer = next((DeskTask(t, who[t.id]) for t in mine if t.status == "offered"), None)
    return DeskQueue(
        queued=[DeskTask(task, who[task.id]) for task in queued],
        offer=offer,
        active=[DeskTask(task, who[task.id]) for task in mine if task.status == "active"],
        at=now(),
    )


def pane(agent_id, task_id):
    """The pane of a task this agent handles (active, or ended by them); 403 for anyone else's
    (O5: another agent's conversation is not theirs to read)."""
    task = get_or_404(Task, task_id, "task")
    if task.agent_id != agent_id or task.status not in ("active", "ended"):
        raise Forbidden("This task is not yours.")
    messages = []
    if task.medium == "chat":
        messages = list(
            TaskMessage.select()
            .where(TaskMessage.task == task.id)
            .order_by(TaskMessage.id)
            .limit(PANE_MESSAGES)
        )
    customer = customers_of([task])[task.id]
    return Pane(
        task=task, customer=customer, messages=messages, contact=DeskTask(task, None).contact
    )


def previewable(agent_id, task_id):
    """A task this agent may look at before accepting it (tasks.visible_task: queued, or the
    agent's own); another agent's task answers 403 (O5)."""
    return tasks.visible_task(agent_id, task_id)


def journey_entry(agent_id, task_id, change_id):
    """The details of one journey entry of the task's customer, for the preview (D2)."""
    task = previewable(agent_id, task_id)
    customer = customers_of([task])[task.id]
    if customer is None:
        raise NotFound("journey entry", change_id)
    item = journey.entry(customer.id, change_id)
    request_id = item.activity.request_id if item.activity else item.change.request_id
    comments, transcript = [], []
    if item.activity is not None:
        comments = activities.comments(item.activity.id).items
        if item.activity.medium == "chat":
            transcript = journey.transcripts_of([item.activity.id]).get(item.activity.id, [])
    return JourneyEntry(
        item=item,
        request=Request.get_or_none(Request.id == request_id) if request_id else None,
        comments=comments,
        transcript=transcript,
    )
