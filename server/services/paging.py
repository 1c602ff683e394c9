"""Cursor paging: opaque cursors carrying the last row's sort key."""

import base64
import binascii
import datetime
import json
from typing import NamedTuple

from server.errors import Invalid
from server.inputs import MAX_INT, storable


class Page(NamedTuple):
    items: list
    next: str | None


def encode_cursor(key):
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


# What a cursor's parts may be: each kind is checked, so a cursor that decodes to JSON of
# another shape (`eyJhIjoxfQ` is `{"a": 1}`) is a 422 rather than a query that fails (O3).
def _id(value):
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_INT:
        return value
    raise ValueError


def _text(value):
    if storable(value):
        return value
    raise ValueError


def _time(value):
    if isinstance(value, str):
        return datetime.datetime.fromisoformat(value)
    raise ValueError


ID, TEXT, TIME = _id, _text, _time


def decode_cursor(cursor, shape=None):
    """The sort key a cursor carries, checked against `shape`, or None for the first page.

    `shape` is one kind (ID) for a one-part key, or a tuple of kinds ((TIME, ID)) for a list;
    anything else, however well encoded, is a 422. Without a shape the caller checks it
    (customer search, whose cursors have one shape per kind of search).
    """
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if shape is None:
            return key
        if isinstance(shape, tuple):
            if not isinstance(key, list) or len(key) != len(shape):
                raise ValueError
            return tuple(kind(part) for kind, part in zip(shape, key, strict=True))
        return shape(key)
    except (ValueError, TypeError, RecursionError, binascii.Error, UnicodeError):
        raise Invalid({"cursor": ["Not a cursor this service gave out."]}) from None
