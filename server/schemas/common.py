"""Fields and validators every area's schemas share."""

import datetime
import re
import unicodedata

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from server import labels
from server.inputs import EMAIL, MAX_INT, NO_NUL, NOT_BLANK, text_problem
from server.limits import LIMITS, TEXT

_ASCII_INT = re.compile(r"-?[0-9]{1,19}")
_ID = re.compile(r"[0-9]{1,18}")  # below 2**63 whatever the digits


class Input(Schema):
    """An input: unknown keys are ignored (clients may send more than we read).

    `openapi_extra` is JSON Schema the OpenAPI document adds to the schema's own, for rules
    across fields (one of two keys, at least one of) that marshmallow checks in code.
    """

    openapi_extra = None

    class Meta:
        unknown = EXCLUDE


class Str(fields.String):
    """Any text that comes in: refused with a 422 when neither store could keep it (a NUL,
    a lone surrogate), so it never reaches a query (O3)."""

    def __init__(self, **kwargs):
        metadata = {"pattern": NO_NUL, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(text)
        if problem:
            raise ValidationError(problem)
        return text


class RecordId(fields.String):
    """A record's id as the API writes it: ASCII digits within 63 bits; loaded as an int.

    "abc", "１２" (full-width digits) and 2**64 are refused here with a 422 instead of
    reaching a query (SQLite's OverflowError, PostgreSQL's cast errors).
    """

    def __init__(self, **kwargs):
        metadata = {"pattern": "^[0-9]{1,18}$", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not _ID.fullmatch(text):
            raise ValidationError("Not an id: give the id as a string of digits.")
        return int(text)  # 0 is well formed and names no record: a 404 where it is looked up


class Integer(fields.Integer):
    """A whole number both stores can compare with: 0 to 2**63 - 1 unless told otherwise.

    A JSON integer, or its ASCII digits as text (query strings, the widget's forms); never
    true, 5.5, or "１０" (which Python's int() would read as 10).
    """

    def __init__(self, *, minimum=0, maximum=MAX_INT, **kwargs):
        kwargs.setdefault("validate", validate.Range(min=minimum, max=maximum))
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and _ASCII_INT.fullmatch(value.strip()):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Boolean(fields.Boolean):
    """true or false as JSON says them; not 0, 1, "yes" or "on" (which marshmallow reads),
    so the API accepts exactly what its OpenAPI document says (`type: boolean`)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def Version(**kwargs):
    """The `version` a client last saw (C3)."""
    return Integer(required=True, **kwargs)


class Limited(Str):
    """A text with a limit (C4: 2000 by default); the message names the field and the excess.

    `label` is the key of the field's name in `server.labels` (the field's own name by default).
    """

    def __init__(self, limit=TEXT, *, label=None, required_text=False, **kwargs):
        # What the OpenAPI document says of it, so generated clients (and fuzzers) know.
        metadata = {"maxLength": limit, **kwargs.pop("metadata", {})}
        if required_text:
            metadata.update(minLength=1, pattern=NOT_BLANK)
        super().__init__(metadata=metadata, **kwargs)
        self.limit = limit
        self.label = label
        self.required_text = required_text

    def _deserialize(self, value, attr, data, **kwargs):
        # Kept and counted as NFC: "é" is one character however it was typed (C4, C6).
        text = unicodedata.normalize("NFC", super()._deserialize(value, attr, data, **kwargs))
        label = self.label or self.name or "text"
        if len(text) > self.limit:
            raise ValidationError(labels.too_long(label, self.limit, len(text)))
        if self.required_text and not text.strip():
            raise ValidationError(labels.empty(label))
        return text


def Text(limit=TEXT, **kwargs):
    """A free text field within the C4 limit."""
    return Limited(limit, **kwargs)


_EMAIL = re.compile(EMAIL)


def _email(value):
    if value is not None and not _EMAIL.match(value):
        raise ValidationError(labels.not_an_email())  # in the agent's language, per request


def Email(**kwargs):
    """An email address (something@domain.tld), or blank for none: one pattern, checked here
    and written in the OpenAPI document, so clients and the service agree on every input."""
    return Limited(
        LIMITS["email"],
        allow_none=True,
        validate=_email,
        metadata={"pattern": EMAIL},
        **kwargs,
    )


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


def utc_iso(value):
    """What `UtcDateTime` writes, without marshmallow's machinery (see `plain_dump`)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.isoformat()


def plain_id(value):
    """What `Id` writes, without marshmallow's machinery."""
    if value is None:
        return None
    return str(getattr(value, "id", value))


def plain_str(value):
    return None if value is None else str(value)


# The answers of the hot paths (screen-pop, journey, search) built as plain dicts (issue 14:
# marshmallow's per-field dump, and a schema instance with deep-copied fields per nested
# object, cost a journey page a fifth of its CPU). Each function writes exactly what its
# schema's `dump` writes; the schema stays the contract (OpenAPI, the other answers), and
# with `CHECK_PLAIN_DUMPS` (the tests) every answer is checked against the schema's own dump.
PLAIN_DUMPS = {}


def plain_dump(schema_class):
    """Register `function(obj)` as the plain dump of `schema_class`."""

    def register(function):
        PLAIN_DUMPS[schema_class] = function
        return function

    return register


class Id(fields.Field):
    """Ids are strings in the API."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return str(getattr(value, "id", value))


class Page(Schema):
    next = fields.String(allow_none=True)


def Cursor():
    """An opaque paging cursor (its shape is checked where it is read: services/paging.py)."""
    return Str(load_default=None, validate=validate.Length(max=LIMITS["cursor"]))


def PageLimit(default=20, maximum=LIMITS["page"]):
    return Integer(load_default=default, minimum=1, maximum=maximum)


class PageQuery(Input):
    cursor = Cursor()
    limit = PageLimit()
