"""Fields and validators every area's schemas share."""

import datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from server import labels
from server.limits import LIMITS, TEXT


class Input(Schema):
    """An input: unknown keys are ignored (clients may send more than we read)."""

    class Meta:
        unknown = EXCLUDE


class Limited(fields.String):
    """A text with a limit (C4: 2000 by default); the message names the field and the excess.

    `label` is the key of the field's name in `server.labels` (the field's own name by default).
    """

    def __init__(self, limit=TEXT, *, label=None, required_text=False, **kwargs):
        super().__init__(**kwargs)
        self.limit = limit
        self.label = label
        self.required_text = required_text

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        label = self.label or self.name or "text"
        if len(text) > self.limit:
            raise ValidationError(labels.too_long(label, self.limit, len(text)))
        if self.required_text and not text.strip():
            raise ValidationError(labels.empty(label))
        return text


def Text(limit=TEXT, **kwargs):
    """A free text field within the C4 limit."""
    return Limited(limit, **kwargs)


def _email(value):
    """An email address, or nothing (a customer may have none)."""
    if value and value.strip():
        try:
            validate.Email()(value.strip())
        except ValidationError:
            raise ValidationError(labels.not_an_email()) from None
    return value


def Email(**kwargs):
    return Limited(LIMITS["email"], allow_none=True, validate=_email, **kwargs)


def Phone(**kwargs):
    return Limited(LIMITS["phone"], allow_none=True, **kwargs)


def Chat(**kwargs):
    return Limited(LIMITS["chat"], allow_none=True, **kwargs)


class UtcDateTime(fields.DateTime):
    """Naive UTC datetimes from the database, written ISO 8601 with their offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class Id(fields.Field):
    """Ids are strings in the API."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return str(getattr(value, "id", value))


class Page(Schema):
    next = fields.String(allow_none=True)


class PageQuery(Input):
    cursor = fields.String(load_default=None)
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=LIMITS["page"]))
