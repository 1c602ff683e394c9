"""Cursor paging: opaque cursors carrying the last row's sort key."""

import base64
import json
from typing import NamedTuple

from server.errors import Invalid


class Page(NamedTuple):
    items: list
    next: str | None


def encode_cursor(key):
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor):
    """The sort key a cursor carries, or None for the first page; a bad cursor is a 422."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError):
        raise Invalid({"cursor": ["Not a cursor this service gave out."]}) from None
