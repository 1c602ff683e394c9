"""Shaping service results into the API's composite outputs."""

from server.models import Request
from server.schemas import InteractionOut, JourneyItemOut, WorkspaceOut, identity_of_customer
from server.services.activities import tags_of


def _customer_and_identity(customer):
    """An unknown customer is shown as `null` plus the identity it came with (C1)."""
    return (customer if customer.known else None), identity_of_customer(customer)


def interaction_view(result):
    customer, identity = _customer_and_identity(result.customer)
    return InteractionOut().dump(
        {
            "customer": customer,
            "identity": identity,
            "request": result.request,
            "activity": result.activity,
        }
    )


def workspace_view(open_rows, recent_rows):
    """Both lists, loading every entry's requests and tags in one query each."""
    activities = [row.activity for row in open_rows + recent_rows if row.activity_id is not None]
    request_ids = {activity.request_id for activity in activities}
    tags = tags_of([activity.id for activity in activities])
    for activity in activities:
        activity.preloaded_tags = tags[activity.id]
    requests = (
        {
            request.id: request
            for request in Request.select().where(Request.id.in_(list(request_ids)))
        }
        if request_ids
        else {}
    )

    def entry(row):
        customer, identity = _customer_and_identity(row.customer)
        activity = row.activity if row.activity_id is not None else None
        return {
            "customer_id": row.customer_id,
            "customer": customer,
            "identity": identity,
            "activity": activity,
            "request": requests.get(activity.request_id) if activity else None,
            "status": row.status,
            "updated_at": row.updated_at,
        }

    return WorkspaceOut().dump(
        {"open": [entry(row) for row in open_rows], "recent": [entry(row) for row in recent_rows]}
    )


def journey_items(items):
    rows = []
    for item in items:
        change = item["change"]
        activity = item["activity"]
        if activity is not None:
            activity.preloaded_tags = item["tags"]
        rows.append(
            {
                "id": change.id,
                "at": change.at,
                "kind": change.kind,
                "action": change.action,
                "agent": change.agent,
                "data": change.data,
                "activity": activity,
                "request": item["request"],
            }
        )
    return JourneyItemOut(many=True).dump(rows)
