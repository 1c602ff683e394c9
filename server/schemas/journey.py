"""The customer's journey (C2, C13)."""

from marshmallow import Schema, fields

from server.schemas.common import Id, Page, UtcDateTime


class JourneyActivityOut(Schema):
    """An entry's interaction as the journey shows it: what, when, who, its tags; the whole
    activity (identity, properties…) is `GET /activities/{id}` (issue 14: every field of
    every activity per item made a journey page cost more than a search)."""

    id = Id()
    request_id = Id(attribute="request_id")
    medium = fields.String()
    source_id = fields.String(allow_none=True)  # the desktop's dialog: which interaction
    subject = fields.String()
    started_at = UtcDateTime()
    ended_at = UtcDateTime(allow_none=True)
    agent = fields.String(attribute="agent_id", allow_none=True)
    tags = fields.List(fields.String())
    version = fields.Integer()


class JourneyRequestOut(Schema):
    """An entry's request as the journey shows it; the description is `GET /requests/{id}`."""

    id = Id()
    title = fields.String()
    status = fields.String()
    version = fields.Integer()


class JourneyItemOut(Schema):
    """A `JourneyItem`: the change, with the activity and the request it is about."""

    id = Id(attribute="change.id")
    at = UtcDateTime(attribute="change.at")
    kind = fields.String(attribute="change.kind")
    action = fields.String(attribute="change.action")
    agent = fields.String(attribute="change.agent", allow_none=True)
    data = fields.Dict(attribute="change.data")
    activity = fields.Nested(JourneyActivityOut, allow_none=True)
    request = fields.Nested(JourneyRequestOut, allow_none=True)


class JourneyPage(Page):
    items = fields.List(fields.Nested(JourneyItemOut))
