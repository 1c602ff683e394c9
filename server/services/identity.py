"""Normalising customer identities, so a caller is matched on an exact key and nothing fuzzier."""

import re

import phonenumbers
from flask import current_app, has_app_context

_DIGITS = re.compile(r"\d")


def default_region():
    if has_app_context():
        return current_app.config["DEFAULT_REGION"]
    return "NL"


def normalise_phone(raw, region=None):
    """Return the E.164 form of a phone number as typed, or None when there is none.

    `+31 20 123 4567`, `0031201234567` and `020-1234567` (region NL) all give `+31201234567`.
    A number the library cannot place keeps its digits only, so it still matches itself.
    """
    if not raw or not raw.strip():
        return None
    raw = raw.strip()
    try:
        number = phonenumbers.parse(raw, region or default_region())
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    digits = "".join(_DIGITS.findall(raw))
    return digits or None


def looks_like_phone(text):
    """True when a search text is a phone number rather than a name."""
    stripped = re.sub(r"[\s()+\-./]", "", text)
    return len(stripped) >= 3 and stripped.isdigit()


def normalise_email(raw):
    return raw.strip().lower() if raw and raw.strip() else None


def normalise_chat(raw):
    return raw.strip() if raw and raw.strip() else None


def name_key(name):
    """The case-folded form of a name that prefix search compares."""
    return " ".join((name or "").split()).casefold()[:200]


def normalise(identity):
    """Turn an API identity `{"phone"|"email"|"chat": value}` into (kind, key, raw)."""
    for kind, func in (
        ("phone", normalise_phone),
        ("email", normalise_email),
        ("chat", normalise_chat),
    ):
        if kind in identity:
            raw = identity[kind]
            return kind, func(raw), raw
    return None, None, None
