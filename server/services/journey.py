"""The customer's journey (C2): the events between customer and organisation, newest first."""

from server.errors import NotFound
from server.inputs import parse_id
from server.models import Activity, Change, Customer, Request, Task, TaskMessage
from server.services import paging
from server.services.activities import tags_of
from server.services.paging import Page, decode_cursor, encode_cursor
from server.services.read_models import ActivityView, JourneyItem
from server.services.records import get_or_404
from server.services.statements import Statement

# What a journey entry shows of its activity and request (the widget's journey and the API's
# `JourneyItemOut`); their other columns are left at their defaults in the items.
SHOWN_ACTIVITY = (
    Activity.id,
    Activity.request,
    Activity.customer,
    Activity.medium,
    Activity.source_id,
    Activity.subject,
    Activity.started_at,
    Activity.ended_at,
    Activity.agent,
    Activity.version,
)
SHOWN_REQUEST = (Request.id, Request.customer, Request.title, Request.status, Request.version)
TRANSCRIPT_SHOWN = 200  # messages of one chat in the journey (a longer chat shows its start)


def journey(customer_id, cursor=None, limit=20):
    """One page of the journey, keyset-paged on (time, id) so any depth costs the same.

    The items carry what the journey shows (`SHOWN_ACTIVITY`, `SHOWN_REQUEST`).
    """
    number = parse_id(customer_id)  # "１２", "abc" or 2**64 name no customer (O3)
    if number is None:
        raise NotFound("customer", customer_id)
    after = decode_cursor(cursor, (paging.TIME, paging.ID))
    if after:
        at, last_id = after
        rows = _PAGE_AFTER.rows(customer=number, at=at, id=last_id, limit=limit + 1)
    else:
        rows = _FIRST_PAGE.rows(customer=number, limit=limit + 1)
    if not rows:
        get_or_404(Customer, customer_id)  # an empty page: is there such a customer at all?
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor([rows[-1].at.isoformat(), rows[-1].id]) if more else None
    return Page(_items(rows), next_cursor)


def entry(customer_id, change_id):
    """One entry of the customer's journey, as the journey shows it; 404 for an id that is
    not an entry of this customer's journey."""
    row = None
    number = parse_id(change_id)  # not str.isdigit: "１２" and 2**64 name no entry (O3)
    if number is not None:
        row = Change.get_or_none(
            (Change.id == number) & (Change.customer == customer_id) & (Change.journey == True)  # noqa: E712
        )
    if row is None:
        raise NotFound("journey entry", change_id)
    return _items([row])[0]


def _items(rows):
    """The journey items of these change rows, with what each shows, in a few queries."""
    # Only the columns a journey entry shows: no identity, properties or description.
    activities = _by_id(_ACTIVITIES, {row.activity_id for row in rows if row.activity_id})
    requests = _by_id(_REQUESTS, {row.request_id for row in rows if row.request_id})
    tags = tags_of(list(activities))
    transcripts = transcripts_of(
        [activity.id for activity in activities.values() if activity.medium == "chat"]
    )
    return [
        JourneyItem(
            change=row,
            activity=(
                ActivityView.of(activities[row.activity_id], tags[row.activity_id])
                if row.activity_id in activities
                else None
            ),
            request=requests.get(row.request_id),
            transcript=tuple(transcripts.get(row.activity_id, ()))
            if row.kind == "activity" and row.action == "started"
            else (),
        )
        for row in rows
    ]


def transcripts_of(activity_ids, limit=TRANSCRIPT_SHOWN):
    """{activity id: its chat's messages, oldest first} for Care Desktop chats (D1, D9)."""
    if not activity_ids:
        return {}
    found = {}
    rows = (
        TaskMessage.select(TaskMessage, Task.activity)
        .join(Task)
        .where(Task.activity.in_(activity_ids))
        .order_by(TaskMessage.id)
    )
    for message in rows:
        kept = found.setdefault(message.task.activity_id, [])
        if len(kept) < limit:
            kept.append(message)
    return found


def _by_id(statement, record_ids):
    if not record_ids:
        return {}
    return {row.id: row for row in statement.rows(ids=list(record_ids))}


def _page(slot, after=False):
    where = (Change.customer == slot("customer")) & (Change.journey == True)  # noqa: E712
    if after:
        where &= (Change.at < slot("at")) | ((Change.at == slot("at")) & (Change.id < slot("id")))
    return (
        Change.select()
        .where(where)
        .order_by(Change.at.desc(), Change.id.desc())
        .limit(slot("limit"))
    )


_FIRST_PAGE = Statement(Change, _page)
_PAGE_AFTER = Statement(Change, lambda slot: _page(slot, after=True))
_ACTIVITIES = Statement(
    Activity, lambda slot: Activity.select(*SHOWN_ACTIVITY).where(Activity.id.in_(slot("ids")))
)
_REQUESTS = Statement(
    Request, lambda slot: Request.select(*SHOWN_REQUEST).where(Request.id.in_(slot("ids")))
)
