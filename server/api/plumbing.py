"""The API's small plumbing: the blueprint, OpenAPI records, reading bodies, writing answers."""

import functools

from flask import Blueprint, current_app, request
from marshmallow import ValidationError

from server.errors import Invalid, Problem
from server.schemas.common import PLAIN_DUMPS

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def operation(
    summary,
    *,
    body=None,
    query=None,
    response=None,
    status=200,
    many=False,
    errors=(401, 404),
    also=None,
    links=None,
):
    """Describe a view for the OpenAPI document (and keep the description next to the code).

    `also` maps further success statuses to what they mean (a repeated call answered 200).
    `links` maps the operationId of a view that can use the answer to its parameters as
    OpenAPI runtime expressions (`{"get_customer": {"customer_id": "$response.body#/id"}}`).
    """

    def decorate(view):
        view.openapi = {
            "summary": summary,
            "body": body,
            "query": query,
            "response": response,
            "status": status,
            "many": many,
            "errors": errors,
            "also": also or {},
            "links": links or {},
        }
        return view

    return decorate


# What the stateful fuzzer may call with the id a creation answered (OpenAPI links).
CUSTOMER_OPERATIONS = (
    "get_customer",
    "update_customer",
    "customer_journey",
    "customer_requests",
    "create_request",
    "customer_changes",
)
REQUEST_OPERATIONS = ("get_request", "update_request", "request_changes")
ACTIVITY_OPERATIONS = (
    "get_activity",
    "update_activity",
    "add_tag",
    "add_comment",
    "list_comments",
    "move_activity",
    "activity_changes",
)
TASK_OPERATIONS = ("get_task", "accept_task", "end_task", "post_message", "list_messages")


def links_to(operation_ids, **parameters):
    return {operation_id: dict(parameters) for operation_id in operation_ids}


def load_body(schema_class):
    """The request's JSON body, validated: 400 when it is not JSON, 422 when it is wrong."""
    if not request.is_json:
        raise Problem(
            400,
            "Send a JSON body with Content-Type: application/json.",
            type_="/problems/bad-request",
        )
    data = request.get_json(silent=True)
    if data is None:
        raise Problem(400, "The body is not valid JSON.", type_="/problems/bad-request")
    if not isinstance(data, dict):
        raise Invalid({"_schema": ["The body must be a JSON object."]})
    return schema(schema_class).load(data)


@functools.cache
def schema(schema_class, many=False):
    """One instance per schema class: building one deep-copies every field (issue 14), and
    an instance keeps no state between loads or dumps, so threads share it."""
    return schema_class(many=many)


def load_query(schema_class):
    return schema(schema_class).load(request.args.to_dict())


def dump(schema_class, obj, many=False):
    plain = PLAIN_DUMPS.get(schema_class)
    if plain is None:
        return schema(schema_class, many).dump(obj)
    result = [plain(item) for item in obj] if many else plain(obj)
    if current_app.config.get("CHECK_PLAIN_DUMPS"):
        expected = schema(schema_class, many).dump(obj)
        if result != expected:
            raise AssertionError(f"{schema_class.__name__}: {result!r} != {expected!r}")
    return result


def page(schema_class, result):
    return {"items": dump(schema_class, result.items, many=True), "next": result.next}


def validation_problem(error: ValidationError):
    """422 naming every field that is wrong, with a detail a person can read."""
    messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    flat = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        else:
            flat[prefix] = list(value) if isinstance(value, list) else [str(value)]

    walk("", messages)
    detail = "; ".join(
        f"{field}: {' '.join(map(str, msgs))}" if field != "_schema" else " ".join(map(str, msgs))
        for field, msgs in flat.items()
    )
    return Invalid(flat, detail=detail)
