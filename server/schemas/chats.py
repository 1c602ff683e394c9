"""The customer chat widget's API (D9): start a chat, read it, write in it."""

from marshmallow import Schema, fields, validate

from server.limits import LIMITS
from server.schemas.common import Id, Input, Text
from server.schemas.common import _email as an_email
from server.schemas.tasks import MessageOut


class ChatIn(Input):
    name = Text(required=True, required_text=True)
    # Required here: a visitor's email is how the agent finds them among the customers.
    email = Text(LIMITS["email"], required=True, required_text=True, validate=an_email)


class ChatStartedOut(Schema):
    id = Id()
    status = fields.Constant("waiting")
    chat_token = fields.String(
        metadata={"description": "The visitor's token: Bearer for /chats/{id}… and `/ws?chat=`."}
    )


class ChatMessageOut(MessageOut):
    """A message as the visitor sees it: no agent id (the visitor needs no agent's account)."""

    class Meta:
        exclude = ("agent",)


class ChatOut(Schema):
    id = Id()
    status = fields.String(metadata={"description": "waiting, active (an agent joined), ended"})
    messages = fields.List(fields.Nested(ChatMessageOut))


class ChatQuery(Input):
    after = fields.Integer(load_default=None, validate=validate.Range(min=0))
