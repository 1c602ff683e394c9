"""The customer's context: header and form (C7), request (C4, C5, D8), journey (C2).

Writes answer with the fragment to show; invalid input answers 422 with the agent's input kept
and a message per field. A stale version (C3) is not handled here: the `Stale` problem goes out
as the API's 409 problem+json (with `current`), and widget.js turns it into `cd:stale`.
"""

from flask import g, request
from flask_babel import gettext as _
from marshmallow import ValidationError

from server.auth import login_required
from server.errors import Conflict
from server.models import Activity, Request
from server.schemas import CustomerIn, CustomerPatch, RequestIn, RequestPatch
from server.services import activities, customers, journey
from server.services import requests as requests_service
from server.widget import bp
from server.widget.forms import customer_input, form_data, load, messages_for
from server.widget.render import fragment

JOURNEY_PAGE = 20


def as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def newest_activity(customer):
    return (
        Activity.select()
        .where(Activity.customer == customer.id)
        .order_by(Activity.started_at.desc(), Activity.id.desc())
        .first()
    )


def activity_for(customer, activity_id):
    """The interaction the agent is handling: the one asked for, else the customer's newest."""
    if activity_id:
        activity = Activity.get_or_none(Activity.id == as_int(activity_id))
        if activity is not None and activity.customer_id == customer.id:
            return activity
    return newest_activity(customer)


def activity_extras(activity):
    """The tags and comments the activity section shows."""
    if activity is None:
        return {"tags": [], "comments": []}
    return {
        "tags": activities.tags_of([activity.id])[activity.id],
        "comments": activities.comments(activity.id, None, 100).items,
    }


def context_fragment(customer, activity, status=200):
    """Everything about one customer: header and form, request, activity, journey."""
    current_request = Request.get_by_id(activity.request_id) if activity else None
    return fragment(
        "widget/context.html",
        status,
        customer=customer,
        activity=activity,
        request_=current_request,
        journey=journey.journey(customer.id, None, JOURNEY_PAGE),
        requests=customers.open_requests(customer.id),
        cursor=None,
        current_activity_id=activity.id if activity else None,
        **activity_extras(activity),
    )


@bp.get("/customers/<customer_id>")
@login_required
def context(customer_id):
    customer = customers.get_customer(customer_id)
    return context_fragment(customer, activity_for(customer, request.args.get("activity")))


@bp.get("/customers/<customer_id>/journey")
@login_required
def journey_page(customer_id):
    """The next page of the journey, asked for as the agent scrolls to its end (C2)."""
    customer = customers.get_customer(customer_id)
    cursor = request.args.get("cursor") or None
    return fragment(
        "widget/journey_items.html",
        customer=customer,
        journey=journey.journey(customer.id, cursor, JOURNEY_PAGE),
        cursor=cursor,
        requests=customers.open_requests(customer.id),
        current_activity_id=as_int(request.args.get("activity")),
    )


# The customer (C7)


def card(customer, status=200, activity_id=None, **context):
    """The customer header and form; an unknown customer's form creates it for an interaction."""
    if not customer.known and activity_id is None:
        newest = newest_activity(customer)
        activity_id = newest.id if newest else None
    return fragment(
        "widget/customer_card.html", status, customer=customer, activity_id=activity_id, **context
    )


@bp.get("/customers/<customer_id>/card")
@login_required
def customer_card(customer_id):
    """The customer's header and form as they are now."""
    return card(customers.get_customer(customer_id))


@bp.post("/customers")
@login_required
def create_customer():
    """Create the customer for an unknown caller's interaction, from the prefilled form (C7)."""
    data = form_data()
    activity = activities.get_activity(data.get("activity_id", ""))
    placeholder = activity.customer
    values = customer_input(data)
    try:
        customer = customers.create_customer(g.agent.id, load(CustomerIn, values), activity.id)
    except ValidationError as error:
        return card(
            placeholder,
            422,
            values=values,
            form_open=True,
            activity_id=activity.id,
            errors=messages_for(error, values),
        )
    except Conflict:
        # Another agent created this customer a moment ago: show theirs, and say so.
        return card(
            customers.get_customer(placeholder.id),
            200,
            form_open=True,
            saved=_("Another agent already created this customer."),
        )
    return card(customer, 201, form_open=True, saved=_("Customer created."))


@bp.patch("/customers/<customer_id>")
@login_required
def update_customer(customer_id):
    """Save the agent's edit of a customer, unless someone changed it since it was loaded."""
    customer = customers.get_customer(customer_id)
    values = customer_input(form_data())
    try:
        loaded = load(CustomerPatch, {**values, "version": request.form.get("version")})
    except ValidationError as error:
        return card(
            customer,
            422,
            values=values,
            form_open=True,
            editing=True,
            errors=messages_for(error, values),
        )
    saved = customers.update_customer(g.agent.id, customer.id, loaded.pop("version"), loaded)
    return card(saved, form_open=True, saved=_("Saved."))


# The request (C4, C5, D8)


@bp.get("/requests/<request_id>")
@login_required
def request_section(request_id):
    return fragment("widget/request.html", request_=requests_service.get_request(request_id))


@bp.patch("/requests/<request_id>")
@login_required
def update_request(request_id):
    """Save the request's title or description in place (C4), checking its version (C3)."""
    current = requests_service.get_request(request_id)
    values = {key: request.form[key] for key in ("title", "description") if key in request.form}
    try:
        loaded = load(RequestPatch, {**values, "version": request.form.get("version")})
    except ValidationError as error:
        return fragment(
            "widget/request_saved.html", 422, request_=current, errors=messages_for(error, values)
        )
    saved = requests_service.update_request(g.agent.id, current.id, loaded.pop("version"), loaded)
    return fragment("widget/request_saved.html", request_=saved, errors={}, saved=True)


@bp.post("/customers/<customer_id>/requests")
@login_required
def add_request(customer_id):
    """Add a request for a new issue (D8); the interaction being handled can move to it (D7)."""
    customer = customers.get_customer(customer_id)
    values = {key: request.form.get(key, "") for key in ("title", "description")}
    activity = activity_for(customer, request.form.get("activity_id"))
    try:
        loaded = load(RequestIn, values)
    except ValidationError as error:
        return fragment(
            "widget/add_request.html",
            422,
            customer=customer,
            activity=activity,
            values=values,
            errors=messages_for(error, values),
            form_open=True,
        )
    created = requests_service.create_request(g.agent.id, customer.id, **loaded)
    if activity is not None and request.form.get("move"):
        activity = activities.move_activity(
            g.agent.id, activity.id, created.id, as_int(request.form.get("activity_version"))
        )
    return context_fragment(customer, activity, 201)
