"""Interactions from the desktop (C1, C1b) and the agent's Open and Recent lists (C8, C9)."""

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from server.limits import LIMITS, TEXT
from server.models import MEDIA
from server.schemas.activities import ActivityOut, activity_out
from server.schemas.common import (
    Chat,
    Id,
    Input,
    Limited,
    RecordId,
    Str,
    Text,
    UtcDateTime,
    plain_dump,
)
from server.schemas.customers import CustomerOut, customer_out
from server.schemas.requests import RequestOut, request_out

_PAIRS = (["phone", "email"], ["phone", "chat"], ["email", "chat"])


class IdentitySchema(Input):
    openapi_extra = {"not": {"anyOf": [{"required": pair} for pair in _PAIRS]}}

    phone = Limited(LIMITS["phone"], allow_none=True)
    email = Limited(LIMITS["email"], allow_none=True)
    chat = Chat()

    @validates_schema
    def one_identity(self, data, **kwargs):
        if len(data) > 1:
            raise ValidationError("Give one of phone, email or chat.", "_schema")


class InteractionIn(Input):
    medium = Str(required=True, validate=validate.OneOf(MEDIA))
    source_id = Str(required=True, validate=validate.Length(min=1, max=LIMITS["source_id"]))
    identity = fields.Nested(IdentitySchema, load_default=dict)
    state = Str(
        load_default="accepted", validate=validate.OneOf(["accepted", "answered", "opened"])
    )
    subject = Text(load_default="")
    properties = fields.Dict(
        keys=Str(),
        values=Str(),
        load_default=dict,
        metadata={"json_schema": {"additionalProperties": {"type": "string", "nullable": True}}},
    )

    @pre_load
    def clip_properties(self, data, **kwargs):
        """Call variables and media properties are the desktop's data, shown, never typed:
        they are kept within the text limit (C4) rather than refusing the interaction."""
        properties = data.get("properties") if isinstance(data, dict) else None
        if isinstance(properties, dict):
            data = dict(data)
            # Texts are clipped, nulls dropped; anything else is refused as not a string.
            data["properties"] = {
                key[: LIMITS["field_name"]]: value[:TEXT] if isinstance(value, str) else value
                for key, value in properties.items()
                if value is not None
            }
        return data


class InteractionOut(Schema):
    """An `InteractionView`: an unknown customer is `null` plus its identity (C1)."""

    customer = fields.Nested(CustomerOut, attribute="known_customer", allow_none=True)
    identity = fields.Dict()
    request = fields.Nested(RequestOut)
    activity = fields.Nested(ActivityOut)
    # Extra to the contract: the customers who share the identity when several do, the
    # first being the one the activity went to; empty when the identity is one customer's.
    matches = fields.List(fields.Nested(CustomerOut))


@plain_dump(InteractionOut)
def interaction_out(view):
    customer, request, activity = view.known_customer, view.request, view.activity
    return {
        "customer": None if customer is None else customer_out(customer),
        "identity": None if view.identity is None else dict(view.identity),
        "request": None if request is None else request_out(request),
        "activity": None if activity is None else activity_out(activity),
        "matches": None if view.matches is None else [customer_out(c) for c in view.matches],
    }


class WorkspaceOpenIn(Input):
    customer_id = RecordId(required=True)


class WorkspaceCloseIn(Input):
    openapi_extra = {
        "anyOf": [
            {"required": ["customer_id"], "properties": {"customer_id": {"type": "string"}}},
            {"required": ["activity_id"], "properties": {"activity_id": {"type": "string"}}},
        ]
    }
    customer_id = RecordId(load_default=None)
    activity_id = RecordId(load_default=None)


class WorkspaceEntryOut(Schema):
    customer_id = Id(attribute="customer_id")
    customer = fields.Nested(CustomerOut, attribute="known_customer", allow_none=True)
    identity = fields.Dict()
    activity = fields.Nested(ActivityOut, allow_none=True)
    request = fields.Nested(RequestOut, allow_none=True)
    status = fields.String()
    updated_at = UtcDateTime()


class WorkspaceOut(Schema):
    open = fields.List(fields.Nested(WorkspaceEntryOut))
    recent = fields.List(fields.Nested(WorkspaceEntryOut))
