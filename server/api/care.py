"""The Care Desktop API: the task queue, Ready / Not Ready, accept, end, chat (D2–D5, D9)."""

import hmac

from flask import current_app, g, request
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from server.api import bp, dump, load_body, load_query, operation
from server.auth import bearer_token, login_required, sessions
from server.models import MEDIA, TEXT_LIMIT
from server.schemas import (
    CustomerOut,
    Id,
    IdentitySchema,
    Input,
    InteractionOut,
    JourneyPage,
    RequestOut,
    Text,
    UtcDateTime,
    _Length,
)
from server.services import offers, tasks
from server.services.interactions import Interaction
from server.services.sessions import Unauthorized
from server.views import interaction_view, journey_items

# Schemas


class TaskIn(Input):
    medium = fields.String(required=True, validate=validate.OneOf(MEDIA))
    identity = fields.Nested(IdentitySchema, required=True)
    subject = Text(load_default="")
    body = Text(load_default="")

    @validates_schema
    def one_identity(self, data, **kwargs):
        if not any((data.get("identity") or {}).values()):
            raise ValidationError("Give the customer's phone, email or chat identity.", "identity")


class TaskOut(Schema):
    id = Id()
    medium = fields.String()
    status = fields.String()
    identity = fields.Method("identity_of")
    subject = fields.String()
    body = fields.String()
    agent = fields.String(attribute="agent_id", allow_none=True)
    activity_id = Id(attribute="activity_id", allow_none=True)
    queued_at = UtcDateTime()
    offered_at = UtcDateTime(allow_none=True)
    offer_expires_at = UtcDateTime(allow_none=True)
    accepted_at = UtcDateTime(allow_none=True)
    ended_at = UtcDateTime(allow_none=True)
    offer_number = fields.Integer()
    version = fields.Integer()

    def identity_of(self, task):
        return {task.identity_kind: task.identity_value} if task.identity_kind else {}


class TaskCreatedOut(TaskOut):
    chat_token = fields.String(
        allow_none=True,
        metadata={"description": "Chat only: the customer's token for POST/GET .../messages."},
    )


class QueueOut(Schema):
    items = fields.List(fields.Nested(TaskOut))
    offer = fields.Nested(TaskOut, allow_none=True)
    active = fields.List(fields.Nested(TaskOut))


class TaskContextOut(Schema):
    task = fields.Nested(TaskOut)
    customer = fields.Nested(CustomerOut, allow_none=True)
    identity = fields.Dict()
    requests = fields.List(fields.Nested(RequestOut))
    journey = fields.Nested(JourneyPage)


class AcceptedOut(InteractionOut):
    task = fields.Nested(TaskOut)


class AcceptIn(Input):
    offer = fields.Integer(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "The offer's `offer_number`: accept that offer only, never the task "
            "after the offer ran out. Leave out to take a task from the queue."
        },
    )


class AgentStateIn(Input):
    state = fields.String(required=True, validate=validate.OneOf(offers.STATES))


class AgentStateOut(Schema):
    agent = fields.String(attribute="agent_id")
    state = fields.String()
    reason = fields.String(allow_none=True)
    changed_at = UtcDateTime()
    task_id = Id(attribute="task_id", allow_none=True)


class MessageIn(Input):
    body = fields.String(
        required=True,
        validate=[_Length(TEXT_LIMIT), validate.Length(min=1, error="A message cannot be empty.")],
    )


class MessageOut(Schema):
    id = Id()
    task_id = Id(attribute="task_id")
    sender = fields.String()
    agent = fields.String(attribute="agent_id", allow_none=True)
    body = fields.String()
    created_at = UtcDateTime()


class MessagesQuery(Input):
    after = fields.Integer(load_default=None, validate=validate.Range(min=0))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class MessagePage(Schema):
    items = fields.List(fields.Nested(MessageOut))


# Who is calling


def require_integration_key():
    """Integrations queue tasks with the shared key in `X-Integration-Key` (not a session)."""
    given = request.headers.get("X-Integration-Key", "")
    expected = current_app.config["INTEGRATION_KEY"]
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorized("Send the integration key in the X-Integration-Key header.")


def chat_caller(task_id):
    """The agent behind the session, or None for the customer holding the chat's token."""
    token = bearer_token()
    if not token:
        raise Unauthorized("Send 'Authorization: Bearer <session or chat token>'.")
    if tasks.is_customer_of(tasks.get_task(task_id), token):
        return None
    g.agent, g.session_id = sessions().agent_for(token)
    return g.agent.id


# Routes


@bp.post("/tasks")
@operation(
    "Queue a chat, call or email (D9); needs X-Integration-Key, not a session",
    body=TaskIn,
    response=TaskCreatedOut,
    status=201,
    errors=(400, 401, 422),
)
def create_task():
    require_integration_key()
    data = load_body(TaskIn)
    task, token = tasks.create_task(data["medium"], data["identity"], data["subject"], data["body"])
    task.chat_token = token
    return dump(TaskCreatedOut, task), 201


@bp.get("/queue")
@login_required
@operation(
    "The queued tasks, the task offered to you and your active ones (D2)",
    response=QueueOut,
    errors=(401,),
)
def get_queue():
    return dump(QueueOut, tasks.queue_for(g.agent.id))


@bp.get("/tasks/<task_id>")
@login_required
@operation(
    "A task with its customer, open requests and recent journey (D2)", response=TaskContextOut
)
def get_task(task_id):
    found = tasks.context(task_id)
    customer = found["customer"]
    known = customer if customer is not None and customer.known else None
    return {
        "task": dump(TaskOut, found["task"]),
        "customer": dump(CustomerOut, known) if known else None,
        "identity": TaskOut().identity_of(found["task"]),
        "requests": dump(RequestOut, found["requests"], many=True),
        "journey": {"items": journey_items(found["journey"].items), "next": found["journey"].next},
    }


@bp.put("/agent/state")
@login_required
@operation(
    "Become Ready (offered tasks automatically) or Not Ready (D5)",
    body=AgentStateIn,
    response=AgentStateOut,
    errors=(400, 401, 422),
)
def put_agent_state():
    data = load_body(AgentStateIn)
    return dump(AgentStateOut, offers.set_state(g.agent.id, data["state"]))


@bp.get("/agent/state")
@login_required
@operation("Your Ready / Not Ready state (D5)", response=AgentStateOut, errors=(401,))
def get_agent_state():
    return dump(AgentStateOut, offers.state_of(g.agent.id))


@bp.post("/tasks/<task_id>/accept")
@login_required
@operation(
    "Accept a task: it becomes Active, its activity attached per C1b (D3); 409 when "
    "taken, when the offer ran out, or when you handle a conversation already (D4)",
    body=AcceptIn,
    response=AcceptedOut,
    errors=(400, 401, 404, 409, 422),
)
def accept_task(task_id):
    offer = load_body(AcceptIn)["offer"] if request.content_length else None
    task = tasks.accept(g.agent.id, task_id, offer)
    body = interaction_view(Interaction(task.activity, created=True))
    body["task"] = dump(TaskOut, task)
    return body


@bp.post("/tasks/<task_id>/end")
@login_required
@operation("End your active task and its activity", response=TaskOut, errors=(401, 403, 404))
def end_task(task_id):
    return dump(TaskOut, tasks.end(g.agent.id, task_id))


@bp.post("/tasks/<task_id>/messages")
@operation(
    "Send a chat message: the agent handling it (session) or the customer (chat token) (D9)",
    body=MessageIn,
    response=MessageOut,
    status=201,
    errors=(400, 401, 403, 404, 409, 422),
)
def post_message(task_id):
    agent_id = chat_caller(task_id)
    data = load_body(MessageIn)
    return dump(MessageOut, tasks.post_message(task_id, data["body"], agent_id)), 201


@bp.get("/tasks/<task_id>/messages")
@operation(
    "The chat's messages, oldest first, after message id `after` (D9)",
    query=MessagesQuery,
    response=MessagePage,
    errors=(401, 404, 422),
)
def list_messages(task_id):
    chat_caller(task_id)
    args = load_query(MessagesQuery)
    return {
        "items": dump(MessageOut, tasks.messages(task_id, args["after"], args["limit"]), many=True)
    }
