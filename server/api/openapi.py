"""GET /openapi.json: the API described from the views' own `operation` records."""

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app

from server.api.plumbing import bp, operation
from server.limits import LIMITS
from server.schemas.common import Input

_PARAM = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")

PROBLEM = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "current": {"type": "object", "description": "With 409 stale-version: the record now."},
    },
}


def build_spec(app):
    """An OpenAPI 3 document for every /api/v1 route of `app`."""
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="Context Desk API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[plugin],
        servers=[{"url": app.config["PUBLIC_URL"]}],
    )
    plugin.converter.add_attribute_function(_json_schema_of_field)
    spec.components.schema("Problem", PROBLEM)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    _add_rules_across_fields(spec)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/v1"):
            continue
        view = app.view_functions[rule.endpoint]
        info = getattr(view, "openapi", None)
        if info is None:
            continue
        path = _PARAM.sub(r"{\1}", rule.rule)
        operations = {}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            operations[method.lower()] = _operation(view, info, _PARAM.findall(rule.rule))
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _json_schema_of_field(self, field, ret, **kwargs):
    """A field's `json_schema` metadata: what apispec cannot infer (anyOf) added as it is."""
    return dict(field.metadata.get("json_schema", {}))


def _add_rules_across_fields(spec):
    """Every input schema with an `openapi_extra` (server.schemas.common.Input), registered
    under the name apispec gives it, with that JSON Schema added to its own."""
    plugin = spec.plugins[0]
    pending = list(Input.__subclasses__())
    while pending:
        schema = pending.pop()
        pending.extend(schema.__subclasses__())
        if not schema.openapi_extra:
            continue
        name = plugin.schema_name_resolver(schema)
        if name not in spec.components.schemas:
            spec.components.schema(name, schema=schema)
        spec.components.schemas[name].update(schema.openapi_extra)


def _operation(view, info, path_params):
    operation = {"summary": info["summary"], "operationId": view.__name__, "responses": {}}
    if getattr(view, "login_required", False):
        operation["security"] = [{"bearer": []}]
    parameters = [
        {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
        for name in path_params
    ]
    if info["query"] is not None:
        parameters.append({"in": "query", "schema": info["query"]})
    if parameters:
        operation["parameters"] = parameters
    if info["body"] is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": info["body"]}},
        }
    if info["response"] is not None:
        schema = info["response"]
        content = (
            {"schema": {"type": "array", "items": schema}} if info["many"] else {"schema": schema}
        )
        operation["responses"][str(info["status"])] = {
            "description": "OK",
            "content": {"application/json": content},
        }
    else:
        operation["responses"][str(info["status"])] = {"description": "OK"}
    if info["links"]:
        operation["responses"][str(info["status"])]["links"] = {
            target: {"operationId": target, "parameters": parameters}
            for target, parameters in info["links"].items()
        }
    for status, description in info["also"].items():
        operation["responses"][str(status)] = {
            **operation["responses"][str(info["status"])],
            "description": description,
        }
    for status in info["errors"]:
        operation["responses"][str(status)] = {
            "description": "Problem",
            "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            },
        }
    return operation


@bp.get("/openapi.json")
def openapi_document():
    return build_spec(current_app)


@bp.get("/limits")
@operation("Every input limit (C4, C6): what the service refuses beyond", errors=())
def limits():
    """The one table of limits, for browsers and integrations to count against."""
    return dict(LIMITS)
