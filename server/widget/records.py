"""The customer's context: header and form (C7), request (C4, C5, D8), journey (C2).

Writes answer with the fragment to show; invalid input answers 422 with the agent's input kept
and a message per field. A stale version (C3) is not handled here: the `Stale` problem goes out
as the API's 409 problem+json (with `current`), and http.js turns it into `cd:stale`.
"""

from flask import current_app, g, request
from flask_babel import gettext as _
from marshmallow import ValidationError

from server.auth import login_required
from server.errors import Conflict, IdentityTaken, Invalid
from server.schemas.customers import CustomerIn, CustomerPatch
from server.schemas.requests import RequestIn, RequestPatch
from server.services import activities, context, customers
from server.services import requests as requests_service
from server.widget.blueprint import bp
from server.widget.forms import customer_input, form_data, load, messages_for
from server.widget.render import fragment


def as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def prefilled(customer, activity):
    """An unknown customer's form, prefilled from the interaction (F6); None for a known one."""
    if customer.known:
        return None
    mapping = context.parse_prefill(current_app.config.get("PREFILL_FROM"))
    return context.new_customer_form(customer, activity, mapping)


def context_fragment(shown, status=200, focus=None):
    """Everything about one customer (a `CustomerContext`): header, request, activity, journey;
    `focus` ("request", "journey") names the part the keyboard's focus goes to."""
    activity = shown.activity
    return fragment(
        "widget/context.html",
        status,
        focus=focus,
        values=prefilled(shown.customer, activity),
        customer=shown.customer,
        activity=activity,
        request_=shown.request,
        journey=shown.journey,
        requests=shown.requests,
        cursor=None,
        current_activity_id=activity.id if activity else None,
        tags=list(activity.tags) if activity else [],
        comments=shown.comments,
        sharing=shown.sharing,
    )


@bp.get("/customers/<customer_id>")
@login_required
def customer_context(customer_id):
    return context_fragment(context.customer_context(customer_id, request.args.get("activity")))


@bp.get("/customers/<customer_id>/journey")
@login_required
def journey_page(customer_id):
    """The next page of the journey, asked for as the agent scrolls to its end (C2)."""
    cursor = request.args.get("cursor") or None
    customer, page, requests = context.journey_page(customer_id, cursor)
    return fragment(
        "widget/journey_items.html",
        customer=customer,
        journey=page,
        cursor=cursor,
        requests=requests,
        current_activity_id=as_int(request.args.get("activity")),
    )


# The customer (C7)


def card(customer, status=200, activity_id=None, **extra):
    """The customer header and form; an unknown customer's form creates it for an interaction."""
    if not customer.known and activity_id is None:
        newest = activities.current_for(customer.id)
        activity_id = newest.id if newest else None
    if not customer.known and "values" not in extra and activity_id is not None:
        extra["values"] = prefilled(customer, activities.get_activity(activity_id))
    return fragment(
        "widget/customer_card.html", status, customer=customer, activity_id=activity_id, **extra
    )


@bp.get("/customers/<customer_id>/card")
@login_required
def customer_card(customer_id):
    """The customer's header and form as they are now."""
    return card(customers.get_customer(customer_id))


def confirmed_shared():
    """The agent was shown who has the email or phone and chose to share it (C12): the
    prompt's "Save anyway" sends `confirm_shared`; a first save never does."""
    return request.form.get("confirm_shared") == "1"


@bp.post("/customers")
@login_required
def create_customer():
    """Create the customer for an unknown caller's interaction, from the prefilled form (C7)."""
    data = form_data()
    activity = activities.get_activity(data.get("activity_id", ""))
    values = customer_input(data)
    try:
        loaded = load(CustomerIn, values)
        loaded.pop("confirm_shared", None)
        customer = customers.create_customer(
            g.agent.id, loaded, activity.id, confirm_shared=confirmed_shared()
        )
    except IdentityTaken as taken:
        return card(
            customers.get_customer(activity.customer_id),
            409,
            values=values,
            form_open=True,
            activity_id=activity.id,
            taken=taken.extra,
        )
    except (ValidationError, Invalid) as error:
        return card(
            customers.get_customer(activity.customer_id),
            422,
            values=values,
            form_open=True,
            activity_id=activity.id,
            errors=messages_for(error),
        )
    except Conflict:
        # Another agent created this customer a moment ago: show theirs, and say so.
        return card(
            customers.get_customer(activity.customer_id),
            200,
            form_open=True,
            saved=_("Another agent already created this customer."),
        )
    return card(customer, 201, form_open=True, saved=_("Customer created."), created=True)


@bp.patch("/customers/<customer_id>")
@login_required
def update_customer(customer_id):
    """Save the agent's edit of a customer, unless someone changed it since it was loaded."""
    customer = customers.get_customer(customer_id)
    values = customer_input(form_data())
    try:
        loaded = load(CustomerPatch, {**values, "version": request.form.get("version")})
        loaded.pop("confirm_shared", None)
        saved = customers.update_customer(
            g.agent.id,
            customer.id,
            loaded.pop("version"),
            loaded,
            confirm_shared=confirmed_shared(),
        )
    except IdentityTaken as taken:
        return card(customer, 409, values=values, form_open=True, editing=True, taken=taken.extra)
    except (ValidationError, Invalid) as error:
        return card(
            customer,
            422,
            values=values,
            form_open=True,
            editing=True,
            errors=messages_for(error),
        )
    return card(saved, form_open=True, saved=_("Saved."))


# The request (C4, C5, D8)


@bp.get("/requests/<request_id>")
@login_required
def request_section(request_id):
    return fragment("widget/request.html", request_=requests_service.get_request(request_id))


@bp.patch("/requests/<request_id>")
@login_required
def update_request(request_id):
    """Save the request's title or description in place (C4), checking its version (C3).

    A field refused as invalid does not hold back the other (C11): the valid one is saved, the
    answer is 422 with the refused field's message, and `data-cd-saved-fields` on the saved
    marker says which were saved. With `status` (Close or Reopen the request, C5) the answer is
    the whole request section, read-only once closed; the service refuses an edit of a closed
    request.
    """
    current = requests_service.get_request(request_id)
    values = {key: request.form[key] for key in ("title", "description") if key in request.form}
    if request.form.get("status"):
        values["status"] = request.form["status"]
    version = request.form.get("version")
    errors = {}
    try:
        loaded = load(RequestPatch, {**values, "version": version})
    except ValidationError as error:
        errors = messages_for(error)
        valid = {key: value for key, value in values.items() if key not in error.messages}
        loaded = _valid_part(valid, version) if "status" not in values else None
        if loaded is None:
            return fragment("widget/request_saved.html", 422, request_=current, errors=errors)
    try:
        saved = requests_service.update_request(
            g.agent.id, current.id, loaded.pop("version"), loaded
        )
    except Invalid as error:
        return fragment(
            "widget/request_saved.html", 422, request_=current, errors=messages_for(error)
        )
    if "status" in values:
        return fragment("widget/request.html", request_=saved)
    return fragment(
        "widget/request_saved.html",
        422 if errors else 200,
        request_=saved,
        errors=errors,
        saved=not errors,
        saved_fields=sorted(loaded),
    )


def _valid_part(valid, version):
    """The fields of a refused request edit that are fine on their own, or None if none is."""
    if not valid:
        return None
    try:
        return load(RequestPatch, {**valid, "version": version})
    except ValidationError:  # the version itself is wrong: nothing to save
        return None


@bp.get("/requests/<request_id>/entry")
@login_required
def request_entry(request_id):
    """What the Open list says of a request after it changed (its title, C13)."""
    return fragment(
        "widget/entry_title.html",
        request_=requests_service.get_request(request_id),
        subject=request.args.get("subject", "")[:200],
    )


@bp.post("/customers/<customer_id>/requests")
@login_required
def add_request(customer_id):
    """Add a request for a new issue (D8); the interaction being handled can move to it (D7)."""
    customer = customers.get_customer(customer_id)
    values = {key: request.form.get(key, "") for key in ("title", "description")}
    activity = activities.current_for(customer.id, request.form.get("activity_id"))
    try:
        loaded = load(RequestIn, values)
    except ValidationError as error:
        return fragment(
            "widget/add_request.html",
            422,
            customer=customer,
            activity=activity,
            values=values,
            errors=messages_for(error),
            form_open=True,
        )
    focus = "journey"
    if activity is not None and request.form.get("move"):
        focus = "request"
        moved = activities.move_to_new_request(
            g.agent.id, activity.id, as_int(request.form.get("activity_version")), **loaded
        )
        shown = context.customer_context(customer.id, moved.id)
    else:
        requests_service.create_request(g.agent.id, customer.id, **loaded)
        shown = context.customer_context(customer.id, activity.id if activity else None)
    # The keyboard goes on at the new request: its title when it is the one shown, else the
    # journey, whose newest entry it is.
    return context_fragment(shown, 201, focus=focus)
