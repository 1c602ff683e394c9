"""Reading the widget's forms with the API's schemas; what is wrong, in the agent's language."""

from flask import request
from flask_babel import gettext as _
from marshmallow import ValidationError

from server.errors import Invalid
from server.models import TAG_LIMIT, TEXT_LIMIT
from server.widget.present import field_label

FIELD_PREFIX = "fields."  # free customer fields arrive as fields.company, fields.notes, ...

# The limits as the schemas enforce them (C4, C6), for messages that say by how much.
LIMITS = {"email": 320, "phone": 100, "chat": 320}


def form_data():
    """The submitted form as a dict, free customer fields gathered under `fields`."""
    data = {}
    free = {}
    for key, value in request.form.items():
        if key.startswith(FIELD_PREFIX):
            name = key[len(FIELD_PREFIX) :].strip()
            if name:
                free[name] = value
        else:
            data[key] = value
    if free:
        data["fields"] = free
    return data


def customer_input(data):
    """The customer form as the schemas expect it: empty free fields are left out."""
    values = {key: data.get(key, "") for key in ("name", "email", "phone") if key in data}
    values["fields"] = {
        key: value for key, value in (data.get("fields") or {}).items() if value.strip()
    }
    return values


def load(schema_class, data):
    """`data` validated by an API schema; raises ValidationError as the API would."""
    return schema_class().load(data)


def messages_for(error, data, tag=False):
    """Field → message in the agent's language, for a ValidationError or an Invalid problem.

    Each message names its field (C4) and, for a text over its limit, says by how much.
    """
    if isinstance(error, ValidationError):
        raw = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    elif isinstance(error, Invalid):
        raw = error.errors or {}
    else:
        raw = {}
    flat = {}
    for field, messages in raw.items():
        if field == "fields" and isinstance(messages, dict):
            for key, inner in messages.items():
                value = (data.get("fields") or {}).get(key, "")
                flat[FIELD_PREFIX + str(key)] = _explain(str(key), value, inner, False)
            continue
        flat[field] = _explain(field, data.get(field, ""), messages, tag)
    return flat


def _explain(field, value, messages, tag):
    is_tag = tag and field == "name"
    label = field_label("name_tag" if is_tag else field)
    limit = TAG_LIMIT if is_tag else LIMITS.get(field, TEXT_LIMIT)
    if isinstance(value, str) and len(value) > limit:
        return _(
            "%(field)s: at most %(limit)s characters; this has %(count)s.",
            field=label,
            limit=limit,
            count=len(value),
        )
    if field == "email":
        return _("%(field)s: this is not an email address.", field=label)
    if field == "body" or is_tag:
        return _("%(field)s: write something first.", field=label)
    return _("%(field)s: this value cannot be used.", field=label)
