"""Sessions (F3): Finesse or local credentials in, our own token out."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from server.limits import LIMITS
from server.schemas.common import Input, UtcDateTime


class FinesseCredentials(Input):
    id = fields.String(required=True, validate=validate.Length(min=1, max=LIMITS["agent_id"]))
    authorization = fields.String(
        required=True, validate=validate.Length(min=1, max=LIMITS["authorization"])
    )


class LocalCredentials(Input):
    username = fields.String(required=True, validate=validate.Length(min=1, max=LIMITS["agent_id"]))
    password = fields.String(required=True, validate=validate.Length(min=1, max=LIMITS["password"]))


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
