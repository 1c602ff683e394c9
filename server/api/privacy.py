"""A customer's data on request (O6): export and erase, for administrators only."""

from flask import g

from server.api.plumbing import bp, dump, operation
from server.auth import login_required
from server.schemas.privacy import CustomerRecordOut, ErasureOut
from server.services import privacy


@bp.get("/customers/<customer_id>/export")
@login_required
@operation(
    "A customer's complete record as JSON: customer, requests, activities, tags, comments, "
    "chat transcripts and change log (administrators only)",
    response=CustomerRecordOut,
    errors=(401, 403, 404),
)
def export_customer(customer_id):
    record = privacy.export(g.agent, customer_id)
    # The stored id, never the path's text, goes into the header.
    filename = f"customer-{record.customer.id}.json"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return dump(CustomerRecordOut, record), 200, headers


@bp.post("/customers/<customer_id>/erase")
@login_required
@operation(
    "Erase a customer's personal data and free texts on request; the records stay, "
    "anonymised, for statistics, and the erasure is logged (administrators only)",
    response=ErasureOut,
    errors=(401, 403, 404),
)
def erase_customer(customer_id):
    return dump(ErasureOut, privacy.erase(g.agent, customer_id))
