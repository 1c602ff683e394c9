"""The change log of a customer, a request or an activity (O6): who, when, what.

Read only: each path answers GET and nothing else (405 with `Allow: GET, HEAD, OPTIONS`), so
the log of what agents did cannot be edited through the API.
"""

from server.api.plumbing import bp, load_query, operation, page
from server.auth import login_required
from server.schemas.changes import ChangeOut, ChangePage
from server.schemas.common import PageQuery
from server.services.changes import changes_of


def _changes(kind, record_id):
    args = load_query(PageQuery)
    return page(ChangeOut, changes_of(kind, record_id, args["cursor"], args["limit"]))


def _describe(what):
    return operation(
        f"{what}'s change log, newest first, paged: who changed it, when, and what",
        query=PageQuery,
        response=ChangePage,
        errors=(401, 404, 422),
    )


@bp.get("/customers/<customer_id>/changes")
@login_required
@_describe("A customer")
def customer_changes(customer_id):
    return _changes("customer", customer_id)


@bp.get("/requests/<request_id>/changes")
@login_required
@_describe("A request")
def request_changes(request_id):
    return _changes("request", request_id)


@bp.get("/activities/<activity_id>/changes")
@login_required
@_describe("An activity")
def activity_changes(activity_id):
    return _changes("activity", activity_id)
