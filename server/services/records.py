"""Versioned updates and the change log, shared by every service that writes."""

import collections
import json
import logging
import threading

from server import metrics, timers
from server.clock import now
from server.errors import NotFound, Stale
from server.extensions import redis_client
from server.inputs import parse_id
from server.models import Activity, Change, Tag, database
from server.services.read_models import ActivityView
from server.services.statements import inserting

log = logging.getLogger(__name__)

EVENTS_CHANNEL = "context-desk:events"


def events_channel(client):
    """The live-events channel of the client's Redis database.

    Pub/sub ignores database numbers: two deployments (or test runs) sharing one Redis server
    on different databases would hear each other's events on one channel name.
    """
    db = client.connection_pool.connection_kwargs.get("db") or 0
    return EVENTS_CHANNEL if int(db) == 0 else f"{EVENTS_CHANNEL}:{db}"


def get_or_404(model, record_id, kind=None):
    """Return the record with this id, or raise the API's 404."""
    kind = kind or model.__name__.lower()
    number = parse_id(record_id)
    if number is None:  # "abc", "１２" or 2**64 name no record: a 404, never a query (O3)
        raise NotFound(kind, record_id)
    record = model.get_or_none(model.id == number)
    if record is None:
        raise NotFound(kind, record_id)
    return record


def update_versioned(model, record_id, version, kind=None, **changes):
    """Apply `changes` only if the record is still at `version` (C3), in one UPDATE.

    Returns the updated record. Raises Stale, carrying the record as it is now, when another
    agent changed it first, and NotFound when it does not exist.
    """
    kind = kind or model.__name__.lower()
    query = model.update(version=model.version + 1, **changes).where(
        (model.id == record_id) & (model.version == version)
    )
    if query.execute() == 0:
        raise Stale(kind, _as_shown(get_or_404(model, record_id, kind)))
    return model.get_by_id(record_id)


def _as_shown(record):
    """A record as the API shows it: an activity with its tags (C3's `current`)."""
    if isinstance(record, Activity):
        tags = Tag.select(Tag.name).where(Tag.activity == record.id).order_by(Tag.id)
        return ActivityView.of(record, [tag.name for tag in tags])
    return record


def bump(model, record_id, **changes):
    """Increment a record's version unconditionally, with `changes` (for commutative edits)."""
    model.update(version=model.version + 1, **changes).where(model.id == record_id).execute()


def record_change(
    agent_id,
    kind,
    record_id,
    action,
    *,
    customer_id=None,
    request_id=None,
    activity_id=None,
    journey=False,
    data=None,
):
    """Write one change-log row; with `journey` it is an entry of the customer's journey (C2)."""
    _INSERT_CHANGE.execute(
        at=now(),
        agent=agent_id,
        kind=kind,
        record_id=record_id,
        action=action,
        customer=customer_id,
        request_id=request_id,
        activity_id=activity_id,
        journey=bool(journey),
        data=data or {},
    )


_INSERT_CHANGE = inserting(
    Change,
    (
        Change.at,
        Change.agent,
        Change.kind,
        Change.record_id,
        Change.action,
        Change.customer,
        Change.request_id,
        Change.activity_id,
        Change.journey,
        Change.data,
    ),
)


class Outbox:
    """Live events and timers gathered during a transaction, sent only once it has committed."""

    def __init__(self):
        self.events = []
        self.timers = []
        self.counts = collections.Counter()

    def changed(self, kind, record, by):
        self.events.append(
            {
                "type": "changed",
                "kind": kind,
                "id": str(record.id),
                "version": record.version,
                "by": by,
            }
        )

    def journey(self, customer_id, by, activity_id=None):
        """The customer's journey changed without an edit of a record on screen (an
        interaction joined a request or ended): screens showing the customer refresh it
        (and the activity's times, `activity_id`) without a warning."""
        event = {"type": "journey", "customer_id": str(customer_id), "by": by}
        if activity_id is not None:
            event["activity_id"] = str(activity_id)
        self.events.append(event)

    def add(self, event):
        self.events.append(event)

    def count(self, family, label=None, amount=1):
        """Add to a service-wide count (server.metrics) once the change has committed."""
        self.counts[metrics.count_key(family, label)] += amount

    def schedule(self, seconds, func, *args, job_id, description):
        """Run the job `func` (a dotted path) `seconds` after the commit (see server.timers)."""
        self.timers.append(
            (timers.run_in, (seconds, func, *args), {"job_id": job_id, "description": description})
        )

    def cancel(self, job_id):
        """Drop the job `job_id` once the commit has made it pointless."""
        self.timers.append((timers.cancel, (job_id,), {}))

    def send(self):
        """After the commit: set and cancel the timers, then publish the events."""
        for action, args, kwargs in self.timers:
            try:
                action(*args, **kwargs)
            except Exception:  # Redis away: the sweep's repair pass makes good a lost timer
                log.exception("could not %s the job %s", action.__name__, kwargs.get("job_id"))
        self.timers.clear()
        self.publish()

    def publish(self):
        """Send the events through Redis pub/sub, so agents on any process receive them, and
        add up the counts for /metrics."""
        client = redis_client()
        if client is None or not (self.events or self.counts):
            return
        # One round trip for them all: a sweep batch closes a thousand requests at once.
        channel = events_channel(client)
        pipeline = client.pipeline(transaction=False)
        for event in self.events:
            pipeline.publish(channel, json.dumps(event))
            self.counts[metrics.count_key("live_events_published", event.get("type"))] += 1
        for field, amount in self.counts.items():
            pipeline.hincrby(metrics.COUNTS_KEY, field, amount)
        try:
            results = pipeline.execute(raise_on_error=False)
        except Exception:  # a lost live event must never undo a committed change
            log.exception("could not publish %d live event(s)", len(self.events))
            results = []
        for event, result in zip(self.events, results, strict=False):
            if isinstance(result, Exception):
                log.error("could not publish %s: %s", event.get("type"), result)
        self.events.clear()
        self.counts.clear()


_local = threading.local()


class unit_of_work:
    """`with unit_of_work() as outbox:` one transaction; events and timers leave after the commit.

    Nested units share the outermost one's outbox, so nothing is published before the
    outermost transaction commits.
    """

    def __enter__(self):
        self.outer = getattr(_local, "outbox", None) is None
        if self.outer:
            _local.outbox = Outbox()
        # On SQLite every transaction begins IMMEDIATE (server.extensions.open_database), so
        # concurrent units of work queue for the write lock instead of failing.
        self.transaction = database.atomic()
        self.transaction.__enter__()
        return _local.outbox

    def __exit__(self, exc_type, exc, tb):
        try:
            result = self.transaction.__exit__(exc_type, exc, tb)
        finally:
            outbox = _local.outbox
            if self.outer:
                _local.outbox = None
        if self.outer and exc_type is None:
            outbox.send()
        return result
