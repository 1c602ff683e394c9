"""Care Desktop tasks: queued by integrations (D9), seen before accepting (D2), accepted
(D3) one at a time (D4), ended, and chat messages between customer and agent (D9)."""

import hashlib
import hmac
import secrets

import peewee as pw

from server.clock import now
from server.errors import Conflict
from server.inputs import parse_id
from server.models import AgentState, Task, TaskMessage
from server.services import customers, interactions, journey, offers
from server.services import identity as ids
from server.services import requests as requests_service
from server.services.context import GIVEN_NAME
from server.services.paging import Page
from server.services.read_models import AcceptedTask, CreatedTask, TaskContext
from server.services.records import get_or_404, unit_of_work

Forbidden = interactions.Forbidden


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def source_id(task):
    """The activity's source id: one activity per task, however often accept is retried."""
    return f"{interactions.TASK_SOURCE_PREFIX}{task.id}"


# Queueing (D9)


def create_task(medium, identity, subject="", body="", contact_name=""):
    """Queue a chat, call or email from an integration; a chat gets its customer's token.

    Returns (task, token): `token` (None for calls and emails) is what the customer's chat
    widget sends to post and read messages; only its hash is kept. `contact_name` is the name
    the customer gave (the chat widget asks it), shown in the queue until the customer is known.
    """
    kind, _, raw = ids.normalise(identity)
    token = secrets.token_urlsafe(32) if medium == "chat" else None
    at = now()
    with unit_of_work() as outbox:
        task = Task.create(
            medium=medium,
            contact_name=contact_name or "",
            identity_kind=kind,
            identity_value=raw,
            subject=subject,
            body=body,
            created_at=at,
            queued_at=at,
            customer_token=_token_hash(token) if token else None,
        )
        offers.queue_changed(outbox)
    offers.dispatch()
    return CreatedTask(Task.get_by_id(task.id), token)


def is_customer_of(task, token):
    """True when `token` is the per-chat token handed out when the task was queued."""
    return bool(
        task.customer_token
        and token
        and hmac.compare_digest(task.customer_token, _token_hash(token))
    )


def is_customer_of_task(task_id, token):
    """True when `token` is the chat token of the task `task_id`; False for no such task."""
    number = parse_id(task_id)
    task = Task.get_or_none(Task.id == number) if number is not None else None
    return task is not None and is_customer_of(task, token)


# Seeing the queue and a task (D2)


def queue_for(agent_id):
    """The queued tasks (oldest first), the task offered to this agent and its active ones."""
    queued = list(
        Task.select().where(Task.status == "queued").order_by(Task.queued_at, Task.id).limit(200)
    )
    mine = list(
        Task.select()
        .where((Task.agent == agent_id) & Task.status.in_(["offered", "active"]))
        .order_by(Task.id)
    )
    offer = next((task for task in mine if task.status == "offered"), None)
    return {
        "items": queued,
        "offer": offer,
        "active": [task for task in mine if task.status == "active"],
    }


def get_task(task_id):
    return get_or_404(Task, task_id, "task")


def visible_task(agent_id, task_id):
    """The task if this agent may see it (O5): a queued one (D2's preview), one that left
    the queue with no agent (abandoned by its visitor), or its own (offered to it, active or
    ended); another agent's is a 403. (Every agent saw the task in the queue, so its
    existence is no secret among agents; to nobody it is a 401.)"""
    task = get_task(task_id)
    if task.status != "queued" and task.agent_id not in (None, agent_id):
        raise Forbidden("This task is another agent's.")
    return task


def context(agent_id, task_id):
    """Everything known about the task's customer: record, open requests, recent journey."""
    task = visible_task(agent_id, task_id)
    kind, key, _ = ids.normalise(
        {task.identity_kind: task.identity_value} if task.identity_kind else {}
    )
    customer = customers.find_by_identity(kind, key)
    requests, recent = [], Page([], None)
    if customer is not None:
        requests = customers.open_requests(customer.id, "open")
        recent = journey.journey(customer.id)
    return TaskContext(task=task, customer=customer, requests=requests, journey=recent)


# Accepting and ending (D3, D4)


def accept(agent_id, task_id, offer_number=None):
    """The agent takes the task: it becomes Active and its activity is attached per C1b.

    With `offer_number` only that offer is accepted (the offer's Accept button): once it has
    run out the accept is refused even if the task is back in the queue, so an accept and a
    time-out never both win. Without it, a queued task selected in the queue (D2) or the
    task on offer to this agent. 409 when another agent has it, when the offer has run out,
    or when the agent already handles a conversation (D4: a partial unique index refuses it).
    """
    task = get_task(task_id)
    at = now()
    released = None
    on_offer = (Task.status == "offered") & (Task.agent == agent_id) & (Task.offer_expires_at > at)
    if offer_number is None:
        claim = (Task.status == "queued") | on_offer
    else:
        claim = on_offer & (Task.offer_number == offer_number)
    try:
        with unit_of_work() as outbox:
            won = (
                Task.update(
                    status="active",
                    agent=agent_id,
                    accepted_at=at,
                    offer_expires_at=None,
                    version=Task.version + 1,
                )
                .where((Task.id == task.id) & claim)
                .execute()
            )
            if not won:
                raise _refusal(Task.get_by_id(task.id), agent_id, offer_number)
            state = AgentState.get_or_none(AgentState.agent == agent_id)
            if state is not None and state.task_id not in (None, task.id):
                # Choosing a queued task lets go of the one on offer, without penalty.
                other = Task.get_by_id(state.task_id)
                if offers.let_go(other.id, agent_id):
                    released = other
                    outbox.cancel(offers.timeout_job_id(other.id, other.offer_number))
            if task.status == "offered":
                outbox.cancel(offers.timeout_job_id(task.id, task.offer_number))
                outbox.count("offers", "accepted")
            offers.hold(task.id, agent_id)
            offers.queue_changed(outbox)
            interaction = interactions.register(
                agent_id,
                task.medium,
                source_id(task),
                {task.identity_kind: task.identity_value} if task.identity_kind else {},
                task.subject,
                # The name the customer gave (the chat widget asks it) prefills the form that
                # makes an unknown customer known (F6, C7).
                {GIVEN_NAME: task.contact_name} if task.contact_name else None,
                task=True,
            )
            Task.update(activity=interaction.activity.id).where(Task.id == task.id).execute()
            if task.medium == "chat":
                # The customer's chat widget says that an agent has joined (D9).
                outbox.add(
                    {
                        "type": "chat",
                        "to_chat": str(task.id),
                        "state": "active",
                        "at": offers.iso(at),
                    }
                )
    except pw.IntegrityError:
        raise Conflict(
            "You are already handling a conversation; end it first (D4).",
            type_="/problems/one-conversation",
        ) from None
    if released is not None:
        offers.dispatch()  # the task let go goes to the next Ready agent
    return AcceptedTask(task=Task.get_by_id(task.id), interaction=interaction)


def _refusal(task, agent_id, offer_number):
    if task.status == "abandoned":
        return Conflict(
            "The customer left before the chat was accepted.", type_="/problems/customer-left"
        )
    if (task.status == "offered" and task.agent_id == agent_id) or (
        offer_number is not None and task.offer_number == offer_number and task.status == "queued"
    ):
        return Conflict(
            "The offer ran out before it was accepted.", type_="/problems/offer-expired"
        )
    if task.status == "active" and task.agent_id == agent_id:
        return Conflict("You have accepted this task already.", type_="/problems/task-taken")
    return Conflict("Another agent has taken this task.", type_="/problems/task-taken")


def end(agent_id, task_id):
    """The agent ends the conversation: the task and its activity end, the agent is free."""
    task = visible_task(agent_id, task_id)
    if task.agent_id != agent_id or task.status not in ("active", "ended"):
        raise Forbidden("This task is not yours to end.")
    if task.status == "active":
        at = now()
        with unit_of_work() as outbox:
            (
                Task.update(status="ended", ended_at=at, version=Task.version + 1)
                .where((Task.id == task.id) & (Task.status == "active"))
                .execute()
            )
            offers.release(task.id, agent_id)
            interactions.end(agent_id, source_id(task), task=True)
            if task.medium == "chat":
                outbox.add(
                    {
                        "type": "chat",
                        "to_chat": str(task.id),
                        "state": "ended",
                        "at": offers.iso(at),
                    }
                )
        offers.dispatch()
    return Task.get_by_id(task.id)


def customer_left(task_id):
    """The chat's visitor has left: ended it in the chat widget, or their page has been gone
    for CHAT_GONE_AFTER seconds (D9).

    A chat no agent has taken leaves the queue as `abandoned` (an agent it was on offer to
    is free again, with no penalty, and told). A chat in conversation stays the agent's to
    End, with its notes; the agent is told that the customer has left. Returns the task.
    """
    for _ in range(3):  # an accept or a time-out may change the task under us: look again
        task = get_task(task_id)
        if task.medium != "chat" or task.customer_left_at or task.status in ("ended", "abandoned"):
            return task
        at = now()
        with unit_of_work() as outbox:
            if task.status == "active":
                won = (
                    Task.update(customer_left_at=at, version=Task.version + 1)
                    .where((Task.id == task.id) & (Task.status == "active"))
                    .execute()
                )
            else:
                won = (
                    Task.update(
                        status="abandoned",
                        agent=None,
                        offered_at=None,
                        offer_expires_at=None,
                        ended_at=at,
                        customer_left_at=at,
                        version=Task.version + 1,
                    )
                    .where(
                        (Task.id == task.id)
                        & (Task.status == task.status)
                        & (Task.offer_number == task.offer_number)
                    )
                    .execute()
                )
            if not won:
                continue
            if task.status == "offered":
                offers.release(task.id, task.agent_id)
                outbox.cancel(offers.timeout_job_id(task.id, task.offer_number))
            if task.agent_id is not None:
                outbox.add(
                    {
                        "type": "customer_left",
                        "to": task.agent_id,
                        "task": str(task.id),
                        "state": "active" if task.status == "active" else "abandoned",
                    }
                )
            if task.status != "active":
                offers.queue_changed(outbox)
            outbox.add(
                {"type": "chat", "to_chat": str(task.id), "state": "ended", "at": offers.iso(at)}
            )
        if task.status == "offered":
            offers.dispatch()  # the agent it was offered to is free for the next task
        return Task.get_by_id(task.id)
    return get_task(task_id)


# Chat messages (D9)


def post_message(task_id, body, agent_id=None):
    """A message from the customer (`agent_id` None) or from the agent handling the chat."""
    task = get_task(task_id) if agent_id is None else visible_task(agent_id, task_id)
    if task.medium != "chat":
        raise Conflict("Only chat tasks have messages.", type_="/problems/not-a-chat")
    if agent_id is not None and (task.agent_id != agent_id or task.status != "active"):
        raise Forbidden("Only the agent handling this chat can write in it.")
    if task.status in ("ended", "abandoned"):
        raise Conflict("This chat has ended.", type_="/problems/chat-ended")
    if task.customer_left_at is not None:
        raise Conflict("The customer has left the chat.", type_="/problems/chat-ended")
    at = now()
    with unit_of_work() as outbox:
        message = TaskMessage.create(
            task=task.id,
            sender="agent" if agent_id else "customer",
            agent=agent_id,
            body=body,
            created_at=at,
        )
        if task.activity_id is not None:
            # A message is an update of the activity: the request's 5 days start again (D6).
            requests_service.touch(task.activity.request_id, at)
        said = {
            "id": str(message.id),
            "sender": message.sender,
            "body": body,
            "created_at": offers.iso(at),
        }
        if task.agent_id is not None and task.status == "active":
            outbox.add(
                {"type": "message", "to": task.agent_id, "task": str(task.id), "message": said}
            )
        # The customer's own socket hears every message of the chat, theirs included (their
        # other tabs), and nothing else (O5).
        outbox.add({"type": "message", "to_chat": str(task.id), "message": said})
    return message


def messages(task_id, after=None, limit=100, agent_id=None):
    """The chat's messages, oldest first, after message id `after`: for the customer
    (`agent_id` None, its own chat's token checked by the caller), or an agent who may see
    the task (O5: queued for D2's preview, or its own)."""
    task = get_task(task_id) if agent_id is None else visible_task(agent_id, task_id)
    query = TaskMessage.select().where(TaskMessage.task == task.id)
    if after:
        query = query.where(TaskMessage.id > int(after))
    return list(query.order_by(TaskMessage.id).limit(limit))
