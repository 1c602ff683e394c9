"""How the widget names customers, media, journey entries and fields, in the agent's language."""

from flask_babel import gettext as _
from flask_babel import pgettext

from server.labels import field_label, medium_label  # noqa: F401  (templates call them here)

# The customer's free fields the form always offers; others a customer has are shown too.
STANDARD_FIELDS = ("company", "address", "notes")


def display_name(customer):
    """What the header calls a customer: name, else email, else phone, else "Unknown customer"."""
    if customer is not None:
        for value in (customer.name, customer.email, customer.phone_raw or customer.phone):
            if value and value.strip():
                return value.strip()
    return _("Unknown customer")


def taken_text(fields):
    """What the prompt says when an email or phone typed belongs to another customer (C12)."""
    if set(fields) >= {"email", "phone"}:
        return _("This email address and phone number already belong to another customer.")
    if "email" in fields:
        return _("This email address already belongs to another customer.")
    return _("This phone number already belongs to another customer.")


def summary_name(summary):
    """The name of a customer in a problem's `customers` (a dict), as the header says it."""
    for key in ("name", "email", "phone"):
        if (summary.get(key) or "").strip():
            return summary[key].strip()
    return _("Unknown customer")


def identity_line(customer):
    """The contact details shown under the name (those the name does not already say)."""
    shown = display_name(customer)
    values = [customer.email, customer.phone_raw or customer.phone, customer.chat]
    return [value for value in values if value and value != shown]


def form_fields(values):
    """The free fields the form shows: the standard ones, then any others the customer has."""
    values = dict(values or {})
    keys = list(STANDARD_FIELDS) + sorted(key for key in values if key not in STANDARD_FIELDS)
    return [(key, values.get(key) or "") for key in keys]


def request_status_label(request):
    # "Open" and "Closed" of a request are not the Open list's: French says "Ouverte", "Ouverts".
    if request.status == "closed":
        return pgettext("request status", "Closed")
    return pgettext("request status", "Open")


def journey_text(change, activity, request):
    """One line saying what happened in a journey entry (C2)."""
    data = change.data or {}
    if change.kind == "activity" and change.action == "started":
        medium = activity.medium if activity is not None else data.get("medium", "")
        return {"call": _("Call"), "chat": _("Chat"), "email": _("Email")}.get(
            medium, medium_label(medium)
        )
    if change.kind == "activity" and change.action == "moved":
        return _("Interaction moved to another request")
    title = (request.title if request is not None else data.get("title")) or ""
    if change.kind == "request":
        if change.action == "created":
            return _("Request opened: %(title)s", title=title) if title else _("Request opened")
        if change.action == "closed":
            return _("Request closed: %(title)s", title=title) if title else _("Request closed")
        if change.action == "reopened":
            return _("Request reopened: %(title)s", title=title) if title else _("Request reopened")
    if change.kind == "request" and change.action == "updated":
        fields = _field_list(data)
        if title:
            return _("Request changed (%(fields)s): %(title)s", fields=fields, title=title)
        return _("Request changed: %(fields)s", fields=fields)
    if change.kind == "customer" and change.action == "created":
        return _("Customer record created")
    if change.kind == "customer" and change.action == "updated":
        return _("Customer details changed: %(fields)s", fields=_field_list(data))
    return _("Updated")


def _field_list(data):
    """The fields an edit changed, by their labels in the agent's language (C13)."""
    return ", ".join(field_label(key) for key in data.get("edited") or data.get("fields") or ())


def journey_icon(change, activity):
    """The icon name (in the widget's sprite) for a journey entry."""
    if change.kind == "activity" and activity is not None:
        return activity.medium
    if change.kind == "request":
        return "request-closed" if change.action == "closed" else "request"
    return "person"
