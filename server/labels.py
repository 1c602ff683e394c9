"""What fields and media are called, in the agent's language: shared by messages and screens."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

FIELD_LABELS = {
    "name": _l("Name"),
    "email": _l("Email"),
    "phone": _l("Phone"),
    "chat": _l("Chat identity"),
    "company": _l("Company"),
    "address": _l("Address"),
    "notes": _l("Notes"),
    "title": _l("Title"),
    "description": _l("Description"),
    "body": _l("Comment"),
    "name_tag": _l("Tag"),
}

MEDIUM_LABELS = {"call": _l("Call"), "chat": _l("Chat"), "email": _l("Email")}


def field_label(field):
    """The label of a form field; a free field is labelled by its own key."""
    label = FIELD_LABELS.get(field)
    return str(label) if label is not None else field.replace("_", " ").capitalize()


def medium_label(medium):
    return str(MEDIUM_LABELS.get(medium, medium))


def too_long(label_key, limit, count):
    """C4/C6: the message for a text over its limit, naming the field and by how much."""
    return _(
        "%(field)s: at most %(limit)s characters; this has %(count)s.",
        field=field_label(label_key),
        limit=limit,
        count=count,
    )


def not_an_email(label_key="email"):
    return _("%(field)s: this is not an email address.", field=field_label(label_key))


def empty(label_key):
    return _("%(field)s: write something first.", field=field_label(label_key))


def no_identity():
    """C7: a customer nobody could find again (no name, email or phone) is refused."""
    return _("Give a name, an email address or a phone number.")


def request_closed():
    """C5: a closed request is read-only until it is reopened."""
    return _("This request is closed. Reopen it to change it.")


def not_sharing():
    """C12: an interaction goes only to one of the customers who share its phone or email."""
    return _("That customer does not share this interaction's phone number or email address.")
