"""Interactions from the desktop: a call, chat or email becomes an activity (C1, C1b)."""

import peewee as pw

from server import labels
from server.clock import now
from server.errors import Conflict, Invalid, NotFound, Problem
from server.inputs import storable
from server.models import Activity, Change, Customer, Request, WorkspaceEntry
from server.services import activities, customers, workspace
from server.services import identity as ids
from server.services.read_models import ActivityView, InteractionView
from server.services.records import get_or_404, record_change, unit_of_work, update_versioned
from server.services.statements import Statement, inserting

# Source ids of Care Desktop tasks' activities (services/tasks.py): only accepting the task
# registers one and only ending it ends one, so nobody can claim a task's id beforehand (O5).
TASK_SOURCE_PREFIX = "care-task-"


class Forbidden(Problem):
    def __init__(self, detail):
        super().__init__(403, detail, type_="/problems/forbidden")


def register(agent_id, medium, source_id, identity, subject="", properties=None, *, task=False):
    """Turn an accepted chat, answered call or opened email into an activity (C1, C1b).

    The same `source_id` twice never makes two activities: the second call returns the first
    one (and puts its customer back in the agent's Open list). Another agent's interaction
    that is still going on is not theirs to join (O5: a 409); `task` is for services/tasks.py,
    the only caller that may use a task's source id.
    """
    if source_id.startswith(TASK_SOURCE_PREFIX) and not task:
        raise Forbidden("Care Desktop tasks register their own interactions; accept the task.")
    try:
        # A new dialog is the common case: the unique source_id refuses a repeat, so no
        # look-up goes first (one statement less on every screen-pop).
        return _create(agent_id, medium, source_id, identity, subject, properties or {})
    except pw.IntegrityError:
        # Seen before (a repeat, or another process registered it a moment ago).
        existing = Activity.get_or_none(Activity.source_id == source_id)
        if existing is None:
            raise
    if existing.agent_id != agent_id and existing.ended_at is None:
        raise Conflict(
            "Another agent is handling this interaction.", type_="/problems/interaction-taken"
        )
    with unit_of_work() as outbox:
        workspace.open_for(agent_id, existing.customer_id, existing.id, outbox)
    kind, key, _ = ids.normalise(
        {existing.identity_kind: existing.identity_value} if existing.identity_kind else {}
    )
    return InteractionView(
        customer=Customer.get_by_id(existing.customer_id),
        request=Request.get_by_id(existing.request_id),
        activity=activities.view(existing),
        created=False,
        matches=tuple(customers.shared_by(customers.identity_candidates(kind, key))),
    )


def _create(agent_id, medium, source_id, identity, subject, properties):
    kind, key, raw = ids.normalise(identity)
    at = now()
    with unit_of_work() as outbox:
        # One query finds the customer and whether others share the identity (C12).
        candidates = customers.identity_candidates(kind, key)
        customer = candidates[0] if candidates else customers.create_unknown(kind, key, raw)
        # The latest open request (C1b), touched and read back in one statement.
        request = _touch_latest_open_request(customer.id, at)
        if request is None:
            request = _new_request(agent_id, customer.id, subject, at)
        values = {
            "request": request.id,
            "customer": customer.id,
            "medium": medium,
            "source_id": source_id,
            "identity_kind": kind,
            "identity_value": raw,
            "subject": subject or "",
            "properties": properties,
            "agent": agent_id,
            "started_at": at,
            "version": 1,
        }
        activity_id = _INSERT_ACTIVITY.execute(**values).fetchone()[0]
        activity = Activity(id=activity_id, **values)
        record_change(
            agent_id,
            "activity",
            activity.id,
            "started",
            customer_id=customer.id,
            request_id=request.id,
            activity_id=activity.id,
            journey=True,
            data={"medium": medium, "subject": subject or ""},
        )
        # Joining a request is no edit of it (issue 11): no `changed` warning for the request;
        # the journey event tells the screens showing the customer (C13).
        outbox.journey(customer.id, agent_id)
        workspace.open_for(agent_id, customer.id, activity.id, outbox)
    # The records as written (a new activity has no tags): reading them back cost a
    # screen-pop three queries (bench/).
    return InteractionView(
        customer=customer,
        request=request,
        activity=ActivityView.of(activity),
        created=True,
        matches=tuple(customers.shared_by(candidates)),
    )


def _touch_latest_open_request(customer_id, at):
    """Touch the customer's most recently updated open request (C1b) and return it as it is
    now, or None: UPDATE … RETURNING, one round trip on both stores (SQLite 3.35+).

    updated_at (C1b picks the latest) and last_activity_at (D6) move, the version does not:
    an interaction joining the request edits none of its fields, so an agent editing them is
    neither warned nor refused as stale (C3, issue 11)."""
    rows = _TOUCH_LATEST_OPEN_REQUEST.rows(customer=customer_id, at=at)
    return rows[0] if rows else None


def _touch_statement(slot):
    latest = (
        Request.select(Request.id)
        .where((Request.customer == slot("customer")) & (Request.status == "open"))
        .order_by(Request.updated_at.desc(), Request.id.desc())
        .limit(1)
    )
    return (
        Request.update(updated_at=slot("at"), last_activity_at=slot("at"))
        .where(Request.id == latest)
        .returning(Request)
    )


_TOUCH_LATEST_OPEN_REQUEST = Statement(Request, _touch_statement)
_INSERT_ACTIVITY = inserting(
    Activity,
    (
        Activity.request,
        Activity.customer,
        Activity.medium,
        Activity.source_id,
        Activity.identity_kind,
        Activity.identity_value,
        Activity.subject,
        Activity.properties,
        Activity.agent,
        Activity.started_at,
        Activity.version,
    ),
    returning=True,
)


def end(agent_id, source_id, *, task=False):
    """The interaction ended in the desktop: the activity gets its end time.

    Only the agent handling it ends it; to anyone else it does not exist (O5: a 404, so ids
    cannot be probed). A task's interaction ends with the task (`task`, services/tasks.py).
    """
    activity = (
        Activity.get_or_none(Activity.source_id == source_id) if storable(source_id) else None
    )
    if activity is None or activity.agent_id != agent_id:
        raise NotFound("interaction", repr(source_id))
    if source_id.startswith(TASK_SOURCE_PREFIX) and not task:
        raise Forbidden("This interaction is a Care Desktop task's: end the task.")
    if activity.ended_at is None:
        at = now()
        with unit_of_work() as outbox:
            # The desktop ended it; nobody edited it: no new version, so an agent adding a
            # subject is not refused as stale. Screens learn the end time from the journey
            # event (C13).
            Activity.update(ended_at=at).where(Activity.id == activity.id).execute()
            Request.update(last_activity_at=at).where(Request.id == activity.request_id).execute()
            record_change(
                agent_id,
                "activity",
                activity.id,
                "ended",
                customer_id=activity.customer_id,
                request_id=activity.request_id,
                activity_id=activity.id,
            )
            activity = Activity.get_by_id(activity.id)
            outbox.journey(activity.customer_id, agent_id, activity_id=activity.id)
            # The agent's Open list shows the interaction as over (C8 closes it there).
            outbox.add(
                {
                    "type": "interaction",
                    "to": agent_id,
                    "action": "ended",
                    "customer_id": str(activity.customer_id),
                    "activity_id": str(activity.id),
                }
            )
    return activities.view(activity)


def sharing(activity):
    """The other known customers with this interaction's phone or email, when several have it
    (C12): the agent's choice; empty when the identity is one customer's."""
    if activity is None or not activity.identity:
        return []
    kind, key, _ = ids.normalise(activity.identity)
    shared = customers.shared_by(customers.identity_candidates(kind, key))
    return [customer for customer in shared if customer.id != activity.customer_id]


def choose_customer(agent_id, activity_id, customer_id, version):
    """The agent says which of the customers sharing the phone or email the interaction is
    with (C12). It goes to them with its journey entries and the agent's Open entry; a request
    that holds only this interaction goes along (with anything typed into it, C11), otherwise
    the interaction joins the chosen customer's latest open request or a new one (C1b)."""
    activity = activities.view(get_or_404(Activity, activity_id))
    chosen = {customer.id: customer for customer in sharing(activity)}.get(_int(customer_id))
    if chosen is None:
        raise Invalid({"customer_id": [labels.not_sharing()]})
    was, at = activity.customer_id, now()
    with unit_of_work() as outbox:
        alone = not (
            Activity.select()
            .where((Activity.request == activity.request_id) & (Activity.id != activity.id))
            .exists()
        )
        if alone:
            request = Request.get_by_id(activity.request_id)
            Request.update(customer=chosen.id).where(Request.id == request.id).execute()
            Change.update(customer=chosen.id).where(
                (Change.kind == "request") & (Change.record_id == request.id)
            ).execute()
        else:
            request = _touch_latest_open_request(chosen.id, at) or _new_request(
                agent_id, chosen.id, activity.subject, at
            )
        moved = update_versioned(
            Activity, activity.id, version, customer=chosen.id, request=request.id
        )
        # The interaction's entries are the chosen customer's journey from now on.
        Change.update(customer=chosen.id, request_id=request.id).where(
            Change.activity_id == activity.id
        ).execute()
        record_change(
            agent_id,
            "activity",
            activity.id,
            "customer_chosen",
            customer_id=chosen.id,
            request_id=request.id,
            activity_id=activity.id,
            data={"from": was, "to": chosen.id},
        )
        WorkspaceEntry.update(status="recent", updated_at=at).where(
            (WorkspaceEntry.agent == agent_id)
            & (WorkspaceEntry.customer == was)
            & (WorkspaceEntry.activity == activity.id)
        ).execute()
        workspace.open_for(agent_id, chosen.id, activity.id, outbox)
        outbox.changed("activity", moved, agent_id)
        for customer in (was, chosen.id):
            outbox.journey(customer, agent_id, activity_id=activity.id)
    return activities.view(moved)


def _new_request(agent_id, customer_id, title, at):
    request = Request.create(
        customer=customer_id, title=title or "", created_at=at, updated_at=at, last_activity_at=at
    )
    record_change(
        agent_id,
        "request",
        request.id,
        "created",
        customer_id=customer_id,
        request_id=request.id,
        journey=True,
        data={"title": request.title},
    )
    return request


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
