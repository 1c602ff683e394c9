"""Requests (C4, C5, D8): add, edit, close and reopen."""

from marshmallow import Schema, fields, validate

from server.schemas.common import (
    Id,
    Input,
    Str,
    Text,
    UtcDateTime,
    Version,
    plain_dump,
    plain_id,
    plain_str,
    utc_iso,
)

STATUSES = ("open", "closed")


class RequestIn(Input):
    title = Text(load_default="")
    description = Text(load_default="")


class RequestPatch(Input):
    version = Version()
    title = Text()
    description = Text()
    status = Str(validate=validate.OneOf(STATUSES))


class RequestsQuery(Input):
    status = Str(load_default=None, validate=validate.OneOf(STATUSES))


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


class RequestList(Schema):
    """A customer's requests: an object with `items`, like every other list of the API, so
    it can grow a `next` without breaking clients."""

    items = fields.List(fields.Nested(RequestOut))


@plain_dump(RequestOut)
def request_out(request):
    return {
        "id": plain_id(request.id),
        "customer_id": plain_id(request.customer_id),
        "title": plain_str(request.title),
        "description": plain_str(request.description),
        "status": plain_str(request.status),
        "created_at": utc_iso(request.created_at),
        "updated_at": utc_iso(request.updated_at),
        "closed_at": utc_iso(request.closed_at),
        "last_activity_at": utc_iso(request.last_activity_at),
        "version": None if request.version is None else int(request.version),
    }
