"""A record's change log read back: who changed it, when and what (O6), never written here.

The log is written by each service's `record_change` in the same transaction as the change,
so what is read here is what happened. It is only ever read: no route edits or deletes it.
"""

from dataclasses import dataclass

import peewee as pw

from server.models import Activity, Agent, Change, Customer, Request
from server.services.paging import ID, Page, decode_cursor, encode_cursor
from server.services.records import get_or_404

_MODELS = {"customer": Customer, "request": Request, "activity": Activity}


@dataclass(frozen=True, slots=True)
class AgentRef:
    id: str
    name: str | None  # None: an agent id no account has (a Finesse agent never signed in)


@dataclass(frozen=True, slots=True)
class ChangeView:
    id: int
    at: object
    agent: AgentRef | None  # None: the service itself (the auto-close sweep)
    kind: str
    record_id: int
    action: str
    data: dict


def changes_of(kind, record_id, cursor=None, limit=20):
    """The record's own changes, newest first, paged by the change's id.

    Served by the (kind, record_id) index; the agents' names come in the same statement.
    """
    record = get_or_404(_MODELS[kind], record_id)
    query = (
        Change.select(Change, Agent.name)
        .join(Agent, join_type=pw.JOIN.LEFT_OUTER, on=(Agent.id == Change.agent))
        .where((Change.kind == kind) & (Change.record_id == record.id))
    )
    before = decode_cursor(cursor, ID)
    if before:
        query = query.where(Change.id < before)
    rows = list(query.order_by(Change.id.desc()).limit(limit + 1).objects())
    more = len(rows) > limit
    rows = rows[:limit]
    items = [
        ChangeView(
            row.id,
            row.at,
            None if row.agent is None else AgentRef(row.agent, row.name),
            row.kind,
            row.record_id,
            row.action,
            row.data,
        )
        for row in rows
    ]
    return Page(items, encode_cursor(rows[-1].id) if more else None)
