"""Closing requests 5 days after their last update (D6)."""
import datetime

from server.clock import now
from server.models import Request
from server.services.records import record_change, unit_of_work

BATCH = 1000


def close_stale(after_seconds, batch=BATCH):
    """Close every open request whose last update is more than `after_seconds` old.

    Each batch is one guarded UPDATE (`status = 'open' AND last_activity_at < cutoff`), so a
    sweep that runs early, late or twice never closes a request that is not due.
    Returns how many requests it closed.
    """
    at = now()
    cutoff = at - datetime.timedelta(seconds=after_seconds)
    closed = 0
    while True:
        due = [row.id for row in (Request
                                  .select(Request.id)
                                  .where((Request.status == "open")
                                         & (Request.last_activity_at < cutoff))
                                  .order_by(Request.last_activity_at)
                                  .limit(batch))]
        if not due:
            return closed
        with unit_of_work() as outbox:
            (Request
             .update(status="closed", closed_at=at, updated_at=at, version=Request.version + 1)
             .where(Request.id.in_(due) & (Request.status == "open")
                    & (Request.last_activity_at < cutoff))
             .execute())
            for request in Request.select().where(Request.id.in_(due)
                                                  & (Request.closed_at == at)):
                record_change(None, "request", request.id, "closed", customer_id=request.customer_id,
                              request_id=request.id, journey=True, data={"reason": "auto"})
                outbox.changed("request", request, None)
                closed += 1
