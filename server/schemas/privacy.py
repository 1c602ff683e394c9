"""A customer's data on request (O6): the export and the erasure's summary."""

from marshmallow import Schema, fields

from server.schemas.activities import ActivityOut
from server.schemas.common import Id, UtcDateTime
from server.schemas.customers import CustomerOut
from server.schemas.requests import RequestOut


class CustomerExportOut(CustomerOut):
    """The customer with every stored field, the phone number as typed included."""

    phone_raw = fields.String(allow_none=True)


class TagExportOut(Schema):
    activity_id = Id(attribute="activity_id")
    name = fields.String()
    created_at = UtcDateTime()


class CommentExportOut(Schema):
    id = Id()
    activity_id = Id(attribute="activity_id")
    author = fields.String(attribute="author_id", allow_none=True)
    body = fields.String()
    created_at = UtcDateTime()


class MessageExportOut(Schema):
    id = Id()
    sender = fields.String()
    agent = fields.String(attribute="agent_id", allow_none=True)
    body = fields.String()
    created_at = UtcDateTime()


class ChatExportOut(Schema):
    """A chat transcript: the task and its messages."""

    task_id = Id(attribute="task.id")
    activity_id = Id(attribute="task.activity_id")
    medium = fields.String(attribute="task.medium")
    subject = fields.String(attribute="task.subject")
    body = fields.String(attribute="task.body")
    status = fields.String(attribute="task.status")
    agent = fields.String(attribute="task.agent_id", allow_none=True)
    created_at = UtcDateTime(attribute="task.created_at")
    accepted_at = UtcDateTime(attribute="task.accepted_at", allow_none=True)
    ended_at = UtcDateTime(attribute="task.ended_at", allow_none=True)
    messages = fields.List(fields.Nested(MessageExportOut))


class ChangeExportOut(Schema):
    id = Id()
    at = UtcDateTime()
    agent = fields.String(allow_none=True)
    kind = fields.String()
    record_id = Id()
    action = fields.String()
    request_id = Id(allow_none=True)
    activity_id = Id(allow_none=True)
    journey = fields.Boolean()
    data = fields.Dict()


class CustomerRecordOut(Schema):
    """`GET /api/v1/customers/{id}/export` and `flask --app server customers export ID`."""

    exported_at = UtcDateTime()
    customer = fields.Nested(CustomerExportOut)
    requests = fields.List(fields.Nested(RequestOut))
    activities = fields.List(fields.Nested(ActivityOut))
    tags = fields.List(fields.Nested(TagExportOut))
    comments = fields.List(fields.Nested(CommentExportOut))
    chats = fields.List(fields.Nested(ChatExportOut))
    changes = fields.List(fields.Nested(ChangeExportOut))


class ErasureOut(Schema):
    customer_id = Id()
    erased_at = UtcDateTime()
    requests = fields.Integer()
    activities = fields.Integer()
    comments = fields.Integer()
    chat_messages = fields.Integer()
    changes = fields.Integer()
