"""Care Desktop tasks (D2–D5, D9): queue, state, accept, chat messages."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from server.limits import LIMITS
from server.models import MEDIA
from server.schemas.common import Id, Input, Integer, Limited, PageLimit, Str, Text, UtcDateTime
from server.schemas.customers import CustomerOut
from server.schemas.interactions import IdentitySchema, InteractionOut
from server.schemas.journey import JourneyPage
from server.schemas.requests import RequestOut

AGENT_STATES = ("ready", "not_ready")


class TaskIdentity(IdentitySchema):
    """The customer a task is for: exactly one of phone, email or chat, not empty."""

    openapi_extra = {
        **IdentitySchema.openapi_extra,
        "anyOf": [{"required": [kind]} for kind in ("phone", "email", "chat")],
    }
    phone = Limited(LIMITS["phone"], validate=validate.Length(min=1))
    email = Limited(LIMITS["email"], validate=validate.Length(min=1))
    chat = Limited(LIMITS["chat"], validate=validate.Length(min=1))


class TaskIn(Input):
    medium = Str(required=True, validate=validate.OneOf(MEDIA))
    identity = fields.Nested(TaskIdentity, required=True)
    subject = Text(load_default="")
    body = Text(load_default="")
    name = Text(
        load_default="",
        metadata={"description": "The customer's name as they gave it (shown in the queue)."},
    )

    @validates_schema
    def one_identity(self, data, **kwargs):
        if not any((data.get("identity") or {}).values()):
            raise ValidationError("Give the customer's phone, email or chat identity.", "identity")


class TaskOut(Schema):
    """A task: the one shape of it, in the API and in live events (`offer`)."""

    id = Id()
    medium = fields.String()
    status = fields.String()
    identity = fields.Method("identity_of")
    subject = fields.String()
    body = fields.String()
    name = fields.String(attribute="contact_name")
    agent = fields.String(attribute="agent_id", allow_none=True)
    activity_id = Id(attribute="activity_id", allow_none=True)
    queued_at = UtcDateTime()
    offered_at = UtcDateTime(allow_none=True)
    offer_expires_at = UtcDateTime(allow_none=True)
    accepted_at = UtcDateTime(allow_none=True)
    ended_at = UtcDateTime(allow_none=True)
    customer_left_at = UtcDateTime(
        allow_none=True,
        metadata={"description": "A chat's visitor left (ended it, or went away) at this time."},
    )
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
    """A `TaskContext`: the task, its customer if known, open requests, recent journey (D2)."""

    task = fields.Nested(TaskOut)
    customer = fields.Nested(CustomerOut, attribute="known_customer", allow_none=True)
    identity = fields.Dict()
    requests = fields.List(fields.Nested(RequestOut))
    journey = fields.Nested(JourneyPage)


class AcceptedOut(InteractionOut):
    task = fields.Nested(TaskOut)


class AcceptIn(Input):
    offer = Integer(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "The offer's `offer_number`: accept that offer only, never the task "
            "after the offer ran out. Leave out to take a task from the queue."
        },
    )


class DeclineIn(Input):
    offer = fields.Integer(
        required=True, metadata={"description": "The offer's `offer_number`: that offer only."}
    )


class AgentStateIn(Input):
    state = Str(required=True, validate=validate.OneOf(AGENT_STATES))


class AgentStateOut(Schema):
    agent = fields.String(attribute="agent_id")
    state = fields.String()
    reason = fields.String(allow_none=True)
    changed_at = UtcDateTime()
    task_id = Id(attribute="task_id", allow_none=True)


class MessageIn(Input):
    body = Text(required=True, required_text=True)


class MessageOut(Schema):
    id = Id()
    task_id = Id(attribute="task_id")
    sender = fields.String()
    agent = fields.String(attribute="agent_id", allow_none=True)
    body = fields.String()
    created_at = UtcDateTime()


class MessagesQuery(Input):
    after = Integer(load_default=None)
    limit = PageLimit(default=100, maximum=500)


class MessagePage(Schema):
    items = fields.List(fields.Nested(MessageOut))
