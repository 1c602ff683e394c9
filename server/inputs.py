"""What every input must be before it reaches a query (O3): record ids and text.

Both stores refuse some values outright: SQLite an integer beyond 64 bits (OverflowError),
PostgreSQL a NUL in text, and neither can encode a lone UTF-16 surrogate. Checked here once,
for the schemas (bodies, queries) and the services (ids and names from the path) alike.
"""

import re

from server.fast_json import OrjsonProvider

# The largest id or version either store can compare against (a signed 64-bit integer).
MAX_INT = 2**63 - 1

# ASCII digits only: Python's int() also reads "１２" (full-width) and " 12_0 ".
_ID = re.compile(r"[0-9]{1,18}")
_SURROGATE = re.compile("[\ud800-\udfff]")


# The JSON Schema patterns the OpenAPI document gives texts, spelled as explicit classes so
# that every regex engine (Python's, a client's ECMA or Rust one) reads them the same:
# no NUL anywhere, and for a required text at least one character that str.strip() keeps.
_SPACE = r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NO_NUL = r"^[^\u0000]*$"
_ADDRESS_PART = rf"[^@\u0000{_SPACE}]+"
EMAIL = rf"^[{_SPACE}]*(?:{_ADDRESS_PART}@{_ADDRESS_PART}\.{_ADDRESS_PART})?[{_SPACE}]*$"
NOT_BLANK = rf"^[^\u0000]*[^\u0000{_SPACE}][^\u0000]*$"


def parse_id(value):
    """The record id `value` names, as an int, or None when it names none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_INT else None
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_INT else None


def text_problem(value):
    """Why `value` cannot be stored as text (a NUL or a lone surrogate), or None when it can."""
    if "\x00" in value:
        return "Must not contain a NUL character."
    if _SURROGATE.search(value):
        return "Must not contain a lone surrogate; send valid Unicode."
    return None


def storable(value):
    """True when `value` is a text both stores keep as it is."""
    return isinstance(value, str) and text_problem(value) is None


class JSONProvider(OrjsonProvider):
    """The service's JSON, where a document nested thousands deep is invalid like any other.

    Python's parser gives up on it with a RecursionError, which no `silent=True` catches;
    as a ValueError it is the usual 400 wherever a body is read (the API, the rate limiter).
    """

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deep") from None
