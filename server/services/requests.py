"""Requests: a customer's issues, added (D8), edited (C3), closed and reopened (C5)."""

from server import labels
from server.clock import now
from server.errors import Invalid
from server.models import Customer, Request
from server.services.records import get_or_404, record_change, unit_of_work, update_versioned


def create_request(agent_id, customer_id, title="", description=""):
    """Open a new request for a customer (D8)."""
    customer = get_or_404(Customer, customer_id)
    with unit_of_work() as outbox:
        at = now()
        request = Request.create(
            customer=customer.id,
            title=title,
            description=description,
            created_at=at,
            updated_at=at,
            last_activity_at=at,
        )
        record_change(
            agent_id,
            "request",
            request.id,
            "created",
            customer_id=customer.id,
            request_id=request.id,
            journey=True,
            data={"title": title},
        )
        outbox.changed("request", request, agent_id)
    return request


def get_request(request_id):
    return get_or_404(Request, request_id)


def update_request(agent_id, request_id, version, data):
    """Save an edit of title, description or status if the request is still at `version`.

    A closed request is read-only (C5): its title and description change only in the same
    edit that reopens it. An edit of the text is a journey entry naming what changed (C13).
    """
    at = now()
    values = {key: data[key] for key in ("title", "description") if key in data}
    action = "updated"
    current = get_or_404(Request, request_id)
    edited = sorted(key for key, value in values.items() if value != getattr(current, key))
    status = data.get("status")
    if status and status != current.status:
        values["status"] = status
        values["closed_at"] = at if status == "closed" else None
        action = "closed" if status == "closed" else "reopened"
    if current.status == "closed" and action != "reopened" and edited:
        raise Invalid({key: [labels.request_closed()] for key in edited}, labels.request_closed())
    with unit_of_work() as outbox:
        request = update_versioned(
            Request, current.id, version, updated_at=at, last_activity_at=at, **values
        )
        record_change(
            agent_id,
            "request",
            request.id,
            action,
            customer_id=request.customer_id,
            request_id=request.id,
            journey=action != "updated" or bool(edited),
            data={"fields": sorted(values), "edited": edited, "version": request.version},
        )
        outbox.changed("request", request, agent_id)
        if action != "updated" or edited:
            outbox.journey(request.customer_id, agent_id)
    return request


def touch(request_id, at, *, version=False, updated=False):
    """Record that the request or one of its activities changed now (D6 counts from here).

    `updated` moves updated_at too (C1b picks the latest) without a new version: the
    request's own fields did not change, so nobody's edit of them becomes stale.
    """
    changes = {"last_activity_at": at}
    if version or updated:
        changes["updated_at"] = at
    if version:
        changes["version"] = Request.version + 1
    Request.update(**changes).where(Request.id == request_id).execute()
