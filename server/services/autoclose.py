"""Closing requests 5 days after their last update (D6).

`Request.last_activity_at` is the truth: every change to a request or to one of its
activities sets it in the same transaction (see `server.services.requests.touch`). A request
is due once `last_activity_at + AUTO_CLOSE_AFTER` has passed; deadlines only ever move later,
so the earliest one tells the sweep exactly when it next has work.
"""

import datetime
import json

import peewee as pw

from server.clock import now
from server.models import Change, Request, database
from server.services.records import unit_of_work

BATCH = 1000
AUTO = {"reason": "auto"}  # what a journey entry of an automatic closing says
LONGEST_WAIT = 60  # seconds: the sweep runs at least once a minute, whatever the deadlines say


def close_stale(after_seconds, batch=BATCH, max_batches=None):
    """Close every open request whose last update is more than `after_seconds` old.

    Each batch is one guarded UPDATE (`status = 'open' AND last_activity_at < cutoff`) whose
    journey entries are written in the same transaction, so a sweep that runs early, late,
    twice at once or dies half-way never closes a request that is not due, never closes one
    twice and never leaves one closed without its journey entry. With `max_batches` it stops
    after that many batches. Returns how many it closed.
    """
    at = now()
    cutoff = at - datetime.timedelta(seconds=after_seconds)
    closed = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        count = _close_batch(at, cutoff, batch)
        if count == 0:
            break
        closed += count
        batches += 1
    return closed


def _close_batch(at, cutoff, batch):
    due = (Request.status == "open") & (Request.last_activity_at < cutoff)
    oldest_due = (
        Request.select(Request.id).where(due).order_by(Request.last_activity_at).limit(batch)
    )
    with unit_of_work() as outbox:
        rows = list(
            Request.update(
                status="closed", closed_at=at, updated_at=at, version=Request.version + 1
            )
            .where(Request.id.in_(oldest_due) & due)
            .returning(Request.id, Request.customer, Request.version)
            .execute()
        )
        if rows:
            _journey_entries(at, [row.id for row in rows])
            for row in rows:
                outbox.changed("request", row, None)
            outbox.count("requests_auto_closed", amount=len(rows))
    return len(rows)


def _journey_entries(at, request_ids):
    """One journey entry per closed request, written by the database from the requests
    themselves (INSERT … SELECT): building a thousand rows in Python took most of a batch."""
    reason = pw.Value(json.dumps(AUTO))
    if isinstance(database.obj, pw.PostgresqlDatabase):
        reason = pw.Cast(reason, "jsonb")  # JSONField's column type there
    entries = Request.select(
        pw.Value(at),
        pw.Value("request"),
        Request.id,
        pw.Value("closed"),
        Request.customer,
        Request.id,
        pw.Value(True),
        reason,
    ).where(Request.id.in_(request_ids))
    (
        Change.insert_from(
            entries,
            [
                Change.at,
                Change.kind,
                Change.record_id,
                Change.action,
                Change.customer,
                Change.request_id,
                Change.journey,
                Change.data,
            ],
        ).execute()
    )


def next_deadline(after_seconds):
    """When the next open request falls due (its last update + `after_seconds`), or None."""
    oldest = (
        Request.select(Request.last_activity_at)
        .where(Request.status == "open")
        .order_by(Request.last_activity_at)
        .first()
    )
    if oldest is None:
        return None
    return oldest.last_activity_at + datetime.timedelta(seconds=after_seconds)


def seconds_until_next_sweep(after_seconds, longest=LONGEST_WAIT):
    """How long the sweep may wait: until the next deadline, but never more than `longest`.

    Nor more than `after_seconds`: a request created now falls due `after_seconds` from now,
    so with a short interval (a demo's minutes) the next run must come no later than that.
    """
    longest = float(min(longest, after_seconds))
    deadline = next_deadline(after_seconds)
    if deadline is None:
        return longest
    return min(longest, max(0.0, (deadline - now()).total_seconds()))
