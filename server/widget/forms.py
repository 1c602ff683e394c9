"""Reading the widget's forms with the API's schemas, and showing what they refuse.

The schemas word every message in the agent's language and name the field (C4), so the widget
shows exactly what the API says; nothing here guesses a message from the value.
"""

from flask import request
from marshmallow import ValidationError

from server.errors import Invalid

FIELD_PREFIX = "fields."  # free customer fields arrive as fields.company, fields.notes, ...


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


def messages_for(error):
    """Field → message for a ValidationError or an Invalid problem, keyed as the form's fields
    (`fields.company` for a free field)."""
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
                flat[FIELD_PREFIX + str(key)] = _text(inner)
        else:
            flat[field] = _text(messages)
    return flat


def _text(messages):
    if isinstance(messages, dict):  # a nested map of messages: its own texts, joined
        return " ".join(_text(inner) for inner in messages.values())
    if isinstance(messages, list | tuple):
        return " ".join(_text(inner) for inner in messages)
    return str(messages)
