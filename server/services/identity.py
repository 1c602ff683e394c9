"""Normalising customer identities, so a caller is matched on an exact key and nothing fuzzier."""

import re
import unicodedata

import phonenumbers
from flask import current_app, has_app_context

_DIGITS = re.compile(r"\d")
PHONE_KEY_LENGTH = 32  # Customer.phone


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
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        # Only a form that reads back as itself is a key: "+31000000" would not (the
        # library drops the leading zeros it kept), and a key must match its own search.
        if _reads_back(e164):
            return e164
    digits = "".join(_DIGITS.findall(raw))
    # Longer than any phone number (E.164 has 15 digits) and than the key's column: no key,
    # rather than PostgreSQL's "value too long" (O3; found by schemathesis).
    return digits if digits and len(digits) <= PHONE_KEY_LENGTH else None


def _reads_back(e164):
    try:
        again = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    return (
        phonenumbers.is_possible_number(again)
        and phonenumbers.format_number(again, phonenumbers.PhoneNumberFormat.E164) == e164
    )


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


# Search words (C12). A customer is found by any word of its name, its email (the address,
# its local part and its domain) and its phone number in every form an agent may type it.
# The words of every known customer are rows of `customer_word`, indexed by word, so every
# form of search is an index range scan however many customers there are.

WORD_LIMIT = 100  # a word longer than this is kept to its start (prefix search still finds it)

# Letters that Unicode decomposition leaves alone but an agent types without their mark.
_NO_DECOMPOSITION = str.maketrans(
    {"ı": "i", "ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ŧ": "t", "æ": "ae", "œ": "oe", "þ": "th"}
)
_WORD_SPLIT = re.compile(r"[^\w]+|_+")
_EMAIL_SPLIT = re.compile(r"[._+\-]+")


def fold(text):
    """Case-, accent- and Turkish-i-insensitive form of a text: "Öztürk" and "ozturk" meet.

    Case folding first ("İ" becomes "i" plus a combining dot, "ß" becomes "ss"), then the
    compatibility decomposition, whose combining marks are dropped; "ı" (dotless) has no
    decomposition, so it and a few other letters are mapped.
    """
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(_NO_DECOMPOSITION)


def _clip(word):
    return word[:WORD_LIMIT]


def name_words(name):
    """Each part of a name, and each whitespace-separated chunk whole and without punctuation.

    "Jean-Pierre O'Brien" gives jean, pierre, jean-pierre, jeanpierre, o, brien, o'brien, obrien.
    """
    words = set()
    for chunk in fold(name).split():
        parts = [part for part in _WORD_SPLIT.split(chunk) if part]
        words.update(parts)
        words.add(chunk)
        words.add("".join(parts))
    return {_clip(word) for word in words if word}


def email_words(email):
    """The whole address, its local part and its domain, and the local part's pieces."""
    if not email or "@" not in email:
        return name_words(email or "")
    address = fold(email)
    local, _, domain = address.rpartition("@")
    words = {address, local, domain}
    words.update(_EMAIL_SPLIT.split(local))
    return {_clip(word) for word in words if word}


def phone_words(e164):
    """A stored number as agents may type it: E.164, its digits, and the national number.

    The national number (without country code or trunk prefix) is how the number is written
    in the customer's own country, whatever the agent's: a French customer's +33 1 55 55 01 02
    is found by "01 55 55 01 02" on a Dutch desk.
    """
    if not e164:
        return set()
    words = {e164, e164.lstrip("+")}
    if e164.startswith("+"):
        try:
            number = phonenumbers.parse(e164, None)
        except phonenumbers.NumberParseException:
            number = None
        if number is not None:
            words.add(str(number.national_number))
    return {word for word in words if word}


def customer_words(name, email, phone):
    """Every search word of a customer (C12)."""
    return name_words(name) | email_words(email) | phone_words(phone)


def phone_search_keys(text):
    """The exact words a phone number as typed can be, most certain first (C12).

    An international number ("+33 …", "0033 …") is one number. A national one is read with
    the agent's country (DEFAULT_REGION) first, then as the national number of any country,
    so the customer's own country reads it; digits alone may be the full international digits.
    """
    text = text.strip()
    digits = "".join(_DIGITS.findall(text))
    keys = []
    if text.startswith("+") or digits.startswith("00"):
        keys.append(normalise_phone(text))
    else:
        keys.append(normalise_phone(text))
        if digits.startswith("0"):
            keys.append(digits[1:])
        keys.append(digits)
    unique = []
    for key in keys:
        if key and key not in unique:
            unique.append(key)
    return unique


def search_tokens(text):
    """The word prefixes a name or email search text must all match (C12).

    An address ("sanne@exa…") is one token; "@example.nl" looks for the domain; a chunk with
    a dot ("example.nl", "elodie.moreau") is kept whole, as the email's words are; any other
    chunk is split into the name's parts.
    """
    text = fold(text).strip()
    if "@" in text:
        token = text.lstrip("@") if text.startswith("@") else text
        token = "".join(token.split())
        return [_clip(token)] if token else []
    tokens = []
    for chunk in text.split():
        if "." in chunk.strip("."):
            tokens.append(chunk)
        else:
            tokens.extend(part for part in _WORD_SPLIT.split(chunk) if part)
    unique = []
    for token in tokens:
        token = _clip(token)
        if token not in unique:
            unique.append(token)
    return unique[:8]
