"""The change log as the API shows it (O6): read only."""

from marshmallow import Schema, fields

from server.schemas.common import Id, Page, UtcDateTime


class ChangeAgent(Schema):
    id = fields.String()
    name = fields.String(allow_none=True)


class ChangeOut(Schema):
    """A `ChangeView`: who (null for the service itself), when, and what."""

    id = Id()
    at = UtcDateTime()
    agent = fields.Nested(ChangeAgent, allow_none=True)
    kind = fields.String()
    record_id = Id()
    action = fields.String()
    data = fields.Dict()


class ChangePage(Page):
    items = fields.List(fields.Nested(ChangeOut))
