"""Customers, their journey and their requests (C2, C7, C9, D8)."""

from flask import g

from server.api.plumbing import (
    CUSTOMER_OPERATIONS,
    REQUEST_OPERATIONS,
    bp,
    dump,
    links_to,
    load_body,
    load_query,
    operation,
    page,
)
from server.auth import login_required
from server.schemas.common import PageQuery
from server.schemas.customers import (
    CustomerIn,
    CustomerOut,
    CustomerPatch,
    SearchPage,
    SearchQuery,
)
from server.schemas.journey import JourneyPage
from server.schemas.requests import RequestIn, RequestList, RequestOut, RequestsQuery
from server.services import customers, journey
from server.services import requests as requests_service


@bp.get("/customers")
@login_required
@operation(
    "Search customers by name or email prefix, or by phone in any format",
    query=SearchQuery,
    response=SearchPage,
    errors=(401, 422),
)
def search_customers():
    args = load_query(SearchQuery)
    return page(CustomerOut, customers.search(args["q"], args["cursor"], args["limit"]))


@bp.post("/customers")
@login_required
@operation(
    "Create a customer; with activity_id, the unknown identity of that activity",
    body=CustomerIn,
    response=CustomerOut,
    status=201,
    errors=(400, 401, 404, 409, 422),
    links=links_to(CUSTOMER_OPERATIONS, customer_id="$response.body#/id"),
)
def create_customer():
    data = load_body(CustomerIn)
    activity_id = data.pop("activity_id")
    confirm = data.pop("confirm_shared")
    customer = customers.create_customer(g.agent.id, data, activity_id, confirm)
    return dump(CustomerOut, customer), 201


@bp.get("/customers/<customer_id>")
@login_required
@operation("A customer", response=CustomerOut)
def get_customer(customer_id):
    return dump(CustomerOut, customers.get_customer(customer_id))


@bp.patch("/customers/<customer_id>")
@login_required
@operation(
    "Edit a customer (refused with 409 if someone changed it since `version`)",
    body=CustomerPatch,
    response=CustomerOut,
    errors=(400, 401, 404, 409, 422),
)
def update_customer(customer_id):
    data = load_body(CustomerPatch)
    version = data.pop("version")
    confirm = data.pop("confirm_shared")
    customers.get_customer(customer_id)
    saved = customers.update_customer(g.agent.id, customer_id, version, data, confirm)
    return dump(CustomerOut, saved)


@bp.get("/customers/<customer_id>/journey")
@login_required
@operation(
    "The customer's journey, newest first, paged",
    query=PageQuery,
    response=JourneyPage,
    errors=(401, 404, 422),
)
def customer_journey(customer_id):
    args = load_query(PageQuery)
    return dump(JourneyPage, journey.journey(customer_id, args["cursor"], args["limit"]))


@bp.get("/customers/<customer_id>/requests")
@login_required
@operation(
    "The customer's requests, newest update first",
    query=RequestsQuery,
    response=RequestList,
    errors=(401, 404, 422),
)
def customer_requests(customer_id):
    args = load_query(RequestsQuery)
    return dump(RequestList, {"items": customers.open_requests(customer_id, args["status"])})


@bp.post("/customers/<customer_id>/requests")
@login_required
@operation(
    "Add a request for a new issue (D8)",
    body=RequestIn,
    response=RequestOut,
    status=201,
    errors=(400, 401, 404, 422),
    links=links_to(REQUEST_OPERATIONS, request_id="$response.body#/id"),
)
def create_request(customer_id):
    data = load_body(RequestIn)
    request = requests_service.create_request(g.agent.id, customer_id, **data)
    return dump(RequestOut, request), 201
