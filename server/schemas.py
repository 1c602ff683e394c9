"""Marshmallow schemas for every input and output of the API."""

import datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from server.models import IDENTITY_KINDS, MEDIA, TAG_LIMIT, TEXT_LIMIT
from server.services.activities import tags_of


class _Length(validate.Length):
    """A length limit whose message names the limit and how far over the input is (C4)."""

    def __init__(self, limit):
        super().__init__(max=limit)

    def __call__(self, value):
        if len(value) > self.max:
            raise ValidationError(f"At most {self.max} characters; this has {len(value)}.")
        return value


def Text(limit=TEXT_LIMIT, **kwargs):
    """A text field with the C4 limit."""
    return fields.String(validate=_Length(limit), **kwargs)


def _email(value):
    """An email address, or nothing (a customer may have none)."""
    if value and value.strip():
        validate.Email(error="Not an email address.")(value.strip())
    return value


def Email(**kwargs):
    return fields.String(allow_none=True, validate=[_Length(320), _email], **kwargs)


def Chat(**kwargs):
    return fields.String(allow_none=True, validate=_Length(320), **kwargs)


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


class Input(Schema):
    class Meta:
        unknown = EXCLUDE


# Sessions


class FinesseCredentials(Input):
    id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    authorization = fields.String(required=True, validate=validate.Length(min=1, max=8000))


class LocalCredentials(Input):
    username = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class SessionIn(Input):
    finesse = fields.Nested(FinesseCredentials)
    local = fields.Nested(LocalCredentials)

    @validates_schema
    def one_kind(self, data, **kwargs):
        if ("finesse" in data) == ("local" in data):
            raise ValidationError("Give either finesse or local credentials.", "_schema")


class AgentOut(Schema):
    id = fields.String()
    name = fields.String()
    source = fields.String()
    locale = fields.String()


class SessionOut(Schema):
    token = fields.String()
    agent = fields.Nested(AgentOut)
    expires_at = UtcDateTime()


# Customers


class IdentitySchema(Input):
    phone = fields.String(allow_none=True, validate=_Length(100))
    email = fields.String(allow_none=True, validate=_Length(320))
    chat = Chat()

    @validates_schema
    def one_identity(self, data, **kwargs):
        if len(data) > 1:
            raise ValidationError("Give one of phone, email or chat.", "_schema")


class FieldsMap(fields.Dict):
    """Free customer fields (company, address, notes…): text values within the C4 limit."""

    def __init__(self, **kwargs):
        super().__init__(
            keys=fields.String(validate=validate.Length(min=1, max=100)),
            values=Text(allow_none=True),
            **kwargs,
        )


class CustomerIn(Input):
    name = Text(load_default="")
    email = Email()
    phone = fields.String(allow_none=True, validate=_Length(100))
    chat = Chat()
    activity_id = fields.String(load_default=None, allow_none=True)
    fields = FieldsMap(load_default=dict)  # last: the name shadows the module in the class body


class CustomerPatch(Input):
    version = fields.Integer(required=True)
    name = Text()
    email = Email()
    phone = fields.String(allow_none=True, validate=_Length(100))
    chat = Chat()
    fields = FieldsMap()


class CustomerOut(Schema):
    id = Id()
    name = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.Method("display_phone", allow_none=True)
    phone_e164 = fields.String(attribute="phone", allow_none=True)
    chat = fields.String(allow_none=True)
    known = fields.Boolean()
    version = fields.Integer()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    fields = fields.Dict()  # last: the name shadows the module in the class body

    def display_phone(self, customer):
        return customer.phone_raw or customer.phone


class SearchQuery(Input):
    q = fields.String(load_default="", validate=_Length(200))
    cursor = fields.String(load_default=None)
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PageQuery(Input):
    cursor = fields.String(load_default=None)
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class RequestsQuery(Input):
    status = fields.String(load_default=None, validate=validate.OneOf(["open", "closed"]))


# Requests


class RequestIn(Input):
    title = Text(load_default="")
    description = Text(load_default="")


class RequestPatch(Input):
    version = fields.Integer(required=True)
    title = Text()
    description = Text()
    status = fields.String(validate=validate.OneOf(["open", "closed"]))


class RequestOut(Schema):
    id = Id()
    customer_id = Id(attribute="customer_id")
    title = fields.String()
    description = fields.String()
    status = fields.String()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    closed_at = UtcDateTime(allow_none=True)
    last_activity_at = UtcDateTime()
    version = fields.Integer()


# Activities


class ActivityOut(Schema):
    id = Id()
    request_id = Id(attribute="request_id")
    customer_id = Id(attribute="customer_id")
    medium = fields.String()
    source_id = fields.String(allow_none=True)
    subject = fields.String()
    identity = fields.Method("identity_of")
    properties = fields.Dict()
    started_at = UtcDateTime()
    ended_at = UtcDateTime(allow_none=True)
    agent = fields.String(attribute="agent_id", allow_none=True)
    tags = fields.Method("tag_names")
    version = fields.Integer()

    def identity_of(self, activity):
        if not activity.identity_kind:
            return {}
        return {activity.identity_kind: activity.identity_value}

    def tag_names(self, activity):
        """Tags preloaded by a list view (one query for all), else this activity's own."""
        preloaded = getattr(activity, "preloaded_tags", None)
        if preloaded is not None:
            return preloaded
        return tags_of([activity.id])[activity.id]


class ActivityPatch(Input):
    version = fields.Integer(required=True)
    subject = Text()


class TagIn(Input):
    name = fields.String(required=True, validate=_Length(TAG_LIMIT))


class CommentIn(Input):
    body = fields.String(
        required=True,
        validate=[_Length(TEXT_LIMIT), validate.Length(min=1, error="A comment cannot be empty.")],
    )


class CommentOut(Schema):
    id = Id()
    activity_id = Id(attribute="activity_id")
    author = fields.String(attribute="author_id", allow_none=True)
    body = fields.String()
    created_at = UtcDateTime()


class MoveIn(Input):
    request_id = fields.String(required=True)
    version = fields.Integer(required=True)


# Interactions and workspace


class InteractionIn(Input):
    medium = fields.String(required=True, validate=validate.OneOf(MEDIA))
    source_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    identity = fields.Nested(IdentitySchema, load_default=dict)
    state = fields.String(
        load_default="accepted", validate=validate.OneOf(["accepted", "answered", "opened"])
    )
    subject = Text(load_default="")
    properties = fields.Dict(load_default=dict)


class WorkspaceOpenIn(Input):
    customer_id = fields.String(required=True)


class WorkspaceCloseIn(Input):
    customer_id = fields.String(load_default=None)
    activity_id = fields.String(load_default=None)


def identity_of_customer(customer):
    """The identity an unknown customer is known by (C1: the number, address or chat id)."""
    for kind in IDENTITY_KINDS:
        value = (
            customer.phone_raw
            if kind == "phone" and customer.phone_raw
            else getattr(customer, kind)
        )
        if value:
            return {kind: value}
    return {}


# Composite outputs


class InteractionOut(Schema):
    customer = fields.Nested(CustomerOut, allow_none=True)
    identity = fields.Dict()
    request = fields.Nested(RequestOut)
    activity = fields.Nested(ActivityOut)


class WorkspaceEntryOut(Schema):
    customer_id = Id(attribute="customer_id")
    customer = fields.Nested(CustomerOut, allow_none=True)
    identity = fields.Dict()
    activity = fields.Nested(ActivityOut, allow_none=True)
    request = fields.Nested(RequestOut, allow_none=True)
    status = fields.String()
    updated_at = UtcDateTime()


class WorkspaceOut(Schema):
    open = fields.List(fields.Nested(WorkspaceEntryOut))
    recent = fields.List(fields.Nested(WorkspaceEntryOut))


class JourneyItemOut(Schema):
    id = Id()
    at = UtcDateTime()
    kind = fields.String()
    action = fields.String()
    agent = fields.String(allow_none=True)
    data = fields.Dict()
    activity = fields.Nested(ActivityOut, allow_none=True)
    request = fields.Nested(RequestOut, allow_none=True)


class JourneyPage(Schema):
    items = fields.List(fields.Nested(JourneyItemOut))
    next = fields.String(allow_none=True)


class SearchPage(Schema):
    items = fields.List(fields.Nested(CustomerOut))
    next = fields.String(allow_none=True)


class CommentPage(Schema):
    items = fields.List(fields.Nested(CommentOut))
    next = fields.String(allow_none=True)
