"""The interaction being handled: tags (C6), comments, and moving it to another request (D7)."""

from flask import g, request
from flask_babel import gettext as _
from marshmallow import ValidationError

from server.auth import login_required
from server.errors import Conflict, Invalid, NotFound
from server.schemas.activities import ChooseCustomerIn, CommentIn, MoveIn, TagIn
from server.services import activities, context, interactions
from server.widget.blueprint import bp
from server.widget.forms import load, messages_for
from server.widget.records import context_fragment
from server.widget.render import fragment


@bp.get("/activities/<activity_id>")
@login_required
def activity_section(activity_id):
    activity = activities.get_activity(activity_id)
    return fragment(
        "widget/activity.html",
        activity=activity,
        tags=list(activity.tags),
        comments=activities.comments(activity.id, None, context.COMMENTS_SHOWN).items,
    )


@bp.get("/activities/<activity_id>/times")
@login_required
def activity_times(activity_id):
    """When the interaction started and ended: asked for again once it ends (C13)."""
    return fragment("widget/activity_times.html", activity=activities.get_activity(activity_id))


def tags(activity, status=200, error=""):
    """The activity's tags, and the tag field's message (empty when all went well)."""
    return fragment(
        "widget/tags.html",
        status,
        activity=activity,
        error=error,
        oob=True,
        tags=list(activity.tags),
    )


@bp.post("/activities/<activity_id>/tags")
@login_required
def add_tag(activity_id):
    """Tag the activity (C6): a duplicate or a tag over 50 characters is refused with a message."""
    activity = activities.get_activity(activity_id)
    data = {"name": request.form.get("name", "")}
    try:
        activity = activities.add_tag(g.agent.id, activity.id, load(TagIn, data)["name"])
    except (ValidationError, Invalid) as error:
        return tags(activity, 422, messages_for(error).get("name"))
    except Conflict:
        return tags(
            activity,
            409,
            _(
                "“%(name)s” is already a tag of this interaction.",
                name=" ".join(data["name"].split()),
            ),
        )
    return tags(activity, 201)


@bp.post("/activities/<activity_id>/tags/remove")
@login_required
def remove_tag(activity_id):
    """Remove a tag; one another agent removed already is simply gone."""
    try:
        activity = activities.remove_tag(g.agent.id, activity_id, request.form.get("name", ""))
    except NotFound:
        activity = activities.get_activity(activity_id)
    return tags(activity)


@bp.post("/activities/<activity_id>/comments")
@login_required
def add_comment(activity_id):
    """Add a comment to the activity (within the 2000-character limit, C4)."""
    activity = activities.get_activity(activity_id)
    data = {"body": request.form.get("body", "")}
    try:
        comment = activities.add_comment(g.agent.id, activity.id, load(CommentIn, data)["body"])
    except ValidationError as error:
        return fragment(
            "widget/comment.html", 422, comment=None, error=messages_for(error).get("body")
        )
    return fragment(
        "widget/comment.html",
        201,
        comment=comment,
        error="",
        activity=activities.get_activity(activity.id),
    )


@bp.post("/activities/<activity_id>/move")
@login_required
def move(activity_id):
    """Move an activity to another request of the same customer, from the journey (D7)."""
    data = load(
        MoveIn,
        {"request_id": request.form.get("request_id", ""), "version": request.form.get("version")},
    )
    moved = activities.move_activity(g.agent.id, activity_id, data["request_id"], data["version"])
    # The agent goes on with the interaction it was handling, if it is this customer's.
    current = request.form.get("current") or moved.id
    return context_fragment(context.customer_context(moved.customer_id, current))


@bp.post("/activities/<activity_id>/customer")
@login_required
def choose_customer(activity_id):
    """The agent says which of the customers sharing the phone or email this is (C12): the
    answer is that customer's context, on the interaction."""
    data = load(
        ChooseCustomerIn,
        {
            "customer_id": request.form.get("customer_id", ""),
            "version": request.form.get("version"),
        },
    )
    moved = interactions.choose_customer(
        g.agent.id, activity_id, data["customer_id"], data["version"]
    )
    return context_fragment(context.customer_context(moved.customer_id, moved.id))
