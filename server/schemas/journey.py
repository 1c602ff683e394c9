"""The customer's journey (C2, C13)."""

from marshmallow import Schema, fields

from server.schemas.activities import ActivityOut
from server.schemas.common import Id, Page, UtcDateTime
from server.schemas.requests import RequestOut


class JourneyItemOut(Schema):
    """A `JourneyItem`: the change, with the activity and the request it is about."""

    id = Id(attribute="change.id")
    at = UtcDateTime(attribute="change.at")
    kind = fields.String(attribute="change.kind")
    action = fields.String(attribute="change.action")
    agent = fields.String(attribute="change.agent", allow_none=True)
    data = fields.Dict(attribute="change.data")
    activity = fields.Nested(ActivityOut, allow_none=True)
    request = fields.Nested(RequestOut, allow_none=True)


class JourneyPage(Page):
    items = fields.List(fields.Nested(JourneyItemOut))
