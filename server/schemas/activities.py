"""Activities (C6, D7): tags, comments, edits and moves."""

from marshmallow import Schema, fields

from server.limits import TAG
from server.schemas.common import (
    Id,
    Input,
    Page,
    RecordId,
    Text,
    UtcDateTime,
    Version,
    plain_dump,
    plain_id,
    plain_str,
    utc_iso,
)


class ActivityOut(Schema):
    """An `ActivityView`: the interaction with its tags."""

    id = Id()
    request_id = Id(attribute="request_id")
    customer_id = Id(attribute="customer_id")
    medium = fields.String()
    source_id = fields.String(allow_none=True)
    subject = fields.String()
    identity = fields.Dict()
    properties = fields.Dict()
    started_at = UtcDateTime()
    ended_at = UtcDateTime(allow_none=True)
    agent = fields.String(attribute="agent_id", allow_none=True)
    tags = fields.List(fields.String())
    version = fields.Integer()


@plain_dump(ActivityOut)
def activity_out(view):
    return {
        "id": plain_id(view.id),
        "request_id": plain_id(view.request_id),
        "customer_id": plain_id(view.customer_id),
        "medium": plain_str(view.medium),
        "source_id": plain_str(view.source_id),
        "subject": plain_str(view.subject),
        "identity": None if view.identity is None else dict(view.identity),
        "properties": None if view.properties is None else dict(view.properties),
        "started_at": utc_iso(view.started_at),
        "ended_at": utc_iso(view.ended_at),
        "agent": plain_str(view.agent_id),
        "tags": None if view.tags is None else [plain_str(tag) for tag in view.tags],
        "version": None if view.version is None else int(view.version),
    }


class ActivityPatch(Input):
    version = Version()
    subject = Text()


class TagIn(Input):
    name = Text(TAG, required=True, label="name_tag", required_text=True)


class CommentIn(Input):
    body = Text(required=True, required_text=True)


class CommentOut(Schema):
    id = Id()
    activity_id = Id(attribute="activity_id")
    author = fields.String(attribute="author_id", allow_none=True)
    body = fields.String()
    created_at = UtcDateTime()


class CommentPage(Page):
    items = fields.List(fields.Nested(CommentOut))


class MoveIn(Input):
    request_id = RecordId(required=True)
    version = Version()


class ChooseCustomerIn(Input):
    """Which of the customers sharing the interaction's phone or email it is with (C12)."""

    customer_id = RecordId(required=True)
    version = Version()
