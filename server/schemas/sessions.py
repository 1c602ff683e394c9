"""Sessions (F3): Finesse or local credentials in, our own token out."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from server.limits import LIMITS
from server.schemas.common import Input, Str, UtcDateTime


class FinesseCredentials(Input):
    id = Str(required=True, validate=validate.Length(min=1, max=LIMITS["agent_id"]))
    authorization = Str(required=True, validate=validate.Length(min=1, max=LIMITS["authorization"]))


class LocalCredentials(Input):
    username = Str(required=True, validate=validate.Length(min=1, max=LIMITS["agent_id"]))
    password = Str(required=True, validate=validate.Length(min=1, max=LIMITS["password"]))


class SessionIn(Input):
    openapi_extra = {
        "oneOf": [
            {"required": ["finesse"], "not": {"required": ["local"]}},
            {"required": ["local"], "not": {"required": ["finesse"]}},
        ]
    }
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
