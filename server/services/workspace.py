"""The agent's workspace: customers in the Open and Recent lists (C1, C8, C9)."""

import peewee as pw

from server.clock import now
from server.errors import Invalid, NotFound
from server.inputs import parse_id
from server.models import Activity, Customer, Request, WorkspaceEntry
from server.services import activities
from server.services.read_models import ListEntry, Workspace
from server.services.records import get_or_404, unit_of_work
from server.services.statements import Statement

OPEN_LIMIT = 200
RECENT_LIMIT = 20


def open_for(agent_id, customer_id, activity_id, outbox):
    """Put a customer in the agent's Open list, pointing at the activity being handled."""
    # One statement whether the customer was in a list or not (a screen-pop's hot path).
    _OPEN_FOR.execute(agent=agent_id, customer=customer_id, activity=activity_id, at=now())
    outbox.add(
        {
            "type": "interaction",
            "to": agent_id,
            "action": "opened",
            "customer_id": str(customer_id),
            "activity_id": str(activity_id) if activity_id else None,
        }
    )


_OPEN_FOR = Statement(
    WorkspaceEntry,
    lambda slot: WorkspaceEntry.insert(
        agent=slot("agent", WorkspaceEntry.agent),
        customer=slot("customer", WorkspaceEntry.customer),
        activity=slot("activity", WorkspaceEntry.activity),
        status="open",
        updated_at=slot("at"),
    ).on_conflict(
        conflict_target=[WorkspaceEntry.agent, WorkspaceEntry.customer],
        update={
            WorkspaceEntry.status: "open",
            WorkspaceEntry.activity: slot("activity", WorkspaceEntry.activity),
            WorkspaceEntry.updated_at: slot("at"),
        },
    ),
)


def lists(agent_id):
    """The agent's Open list and the newest of the Recent list, each entry with its customer,
    interaction (with tags) and request: four queries however long the lists are."""

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

    open_rows, recent_rows = rows("open", OPEN_LIMIT), rows("recent", RECENT_LIMIT)
    shown = [row.activity for row in open_rows + recent_rows if row.activity_id is not None]
    views = {view.id: view for view in activities.views(shown)}
    request_ids = list({activity.request_id for activity in shown})
    requests = (
        {row.id: row for row in Request.select().where(Request.id.in_(request_ids))}
        if request_ids
        else {}
    )

    def entry(row):
        activity = views.get(row.activity_id)
        return ListEntry(
            customer=row.customer,
            activity=activity,
            request=requests.get(activity.request_id) if activity else None,
            status=row.status,
            updated_at=row.updated_at,
        )

    return Workspace(
        open=[entry(row) for row in open_rows], recent=[entry(row) for row in recent_rows]
    )


def open_customer_ids(agent_id):
    """The ids of the customers in the agent's Open list (search marks them)."""
    return {
        row.customer_id
        for row in WorkspaceEntry.select(WorkspaceEntry.customer)
        .where((WorkspaceEntry.agent == agent_id) & (WorkspaceEntry.status == "open"))
        .limit(OPEN_LIMIT)
    }


def reopen(agent_id, customer_id):
    """Bring a customer back from Recent or from search into Open, on its newest activity (C9)."""
    customer = get_or_404(Customer, customer_id)
    newest = activities.current_for(customer.id)
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
                & (WorkspaceEntry.customer == parse_id(customer_id))
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
