"""The agent's workspace: customers in the Open and Recent lists (C1, C8, C9)."""

import peewee as pw

from server.clock import now
from server.errors import Invalid, NotFound
from server.models import Activity, Customer, WorkspaceEntry
from server.services.records import get_or_404, unit_of_work

RECENT_LIMIT = 20


def open_for(agent_id, customer_id, activity_id, outbox):
    """Put a customer in the agent's Open list, pointing at the activity being handled."""
    at = now()
    updated = (
        WorkspaceEntry.update(status="open", activity=activity_id, updated_at=at)
        .where((WorkspaceEntry.agent == agent_id) & (WorkspaceEntry.customer == customer_id))
        .execute()
    )
    if not updated:
        WorkspaceEntry.create(
            agent=agent_id, customer=customer_id, activity=activity_id, status="open", updated_at=at
        )
    outbox.add(
        {
            "type": "interaction",
            "to": agent_id,
            "action": "opened",
            "customer_id": str(customer_id),
            "activity_id": str(activity_id) if activity_id else None,
        }
    )


def entries(agent_id):
    """The agent's Open list and the most recent entries of the Recent list, newest first."""

    def rows(status, limit):
        return list(
            WorkspaceEntry.select(WorkspaceEntry, Customer, Activity)
            .join(Customer)
            .switch(WorkspaceEntry)
            .join(Activity, pw.JOIN.LEFT_OUTER)
            .where((WorkspaceEntry.agent == agent_id) & (WorkspaceEntry.status == status))
            .order_by(WorkspaceEntry.updated_at.desc(), WorkspaceEntry.id.desc())
            .limit(limit)
        )

    return rows("open", 200), rows("recent", RECENT_LIMIT)


def reopen(agent_id, customer_id):
    """Bring a customer back from Recent or from search into Open, on its newest activity (C9)."""
    customer = get_or_404(Customer, customer_id)
    newest = (
        Activity.select(Activity.id)
        .where(Activity.customer == customer.id)
        .order_by(Activity.started_at.desc(), Activity.id.desc())
        .first()
    )
    with unit_of_work() as outbox:
        open_for(agent_id, customer.id, newest.id if newest else None, outbox)
    return customer


def close(agent_id, customer_id=None, activity_id=None):
    """Move a customer from Open to Recent (C8); with `activity_id`, that activity's customer."""
    if customer_id is None and activity_id is None:
        raise Invalid({"customer_id": ["Give customer_id or activity_id."]})
    if customer_id is None:
        customer_id = get_or_404(Activity, activity_id).customer_id
    with unit_of_work() as outbox:
        closed = (
            WorkspaceEntry.update(status="recent", updated_at=now())
            .where(
                (WorkspaceEntry.agent == agent_id)
                & (WorkspaceEntry.customer == int(customer_id))
                & (WorkspaceEntry.status == "open")
            )
            .execute()
        )
        if not closed:
            raise NotFound("open customer", customer_id)
        outbox.add(
            {
                "type": "interaction",
                "to": agent_id,
                "action": "closed",
                "customer_id": str(customer_id),
            }
        )
