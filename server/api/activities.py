"""Activities: tags (C6), comments, edits and moves (D7)."""

from flask import g

from server.api.plumbing import bp, dump, load_body, load_query, operation, page
from server.auth import login_required
from server.schemas.activities import (
    ActivityOut,
    ActivityPatch,
    CommentIn,
    CommentOut,
    CommentPage,
    MoveIn,
    TagIn,
)
from server.schemas.common import PageQuery
from server.services import activities


@bp.get("/activities/<activity_id>")
@login_required
@operation("An activity with its tags", response=ActivityOut)
def get_activity(activity_id):
    return dump(ActivityOut, activities.get_activity(activity_id))


@bp.patch("/activities/<activity_id>")
@login_required
@operation(
    "Edit an activity's subject (409 when `version` is stale)",
    body=ActivityPatch,
    response=ActivityOut,
    errors=(400, 401, 404, 409, 422),
)
def update_activity(activity_id):
    data = load_body(ActivityPatch)
    version = data.pop("version")
    activities.get_activity(activity_id)
    return dump(ActivityOut, activities.update_activity(g.agent.id, activity_id, version, data))


@bp.post("/activities/<activity_id>/tags")
@login_required
@operation(
    "Tag an activity (C6: at most 50 characters, unique ignoring case and spaces)",
    body=TagIn,
    response=ActivityOut,
    status=201,
    errors=(400, 401, 404, 409, 422),
    links={"remove_tag": {"activity_id": "$response.body#/id", "name": "$response.body#/tags/0"}},
)
def add_tag(activity_id):
    data = load_body(TagIn)
    return dump(ActivityOut, activities.add_tag(g.agent.id, activity_id, data["name"])), 201


@bp.delete("/activities/<activity_id>/tags/<path:name>")  # a tag may hold a "/"
@login_required
@operation("Remove a tag", response=ActivityOut)
def remove_tag(activity_id, name):
    return dump(ActivityOut, activities.remove_tag(g.agent.id, activity_id, name))


@bp.post("/activities/<activity_id>/comments")
@login_required
@operation(
    "Comment on an activity",
    body=CommentIn,
    response=CommentOut,
    status=201,
    errors=(400, 401, 404, 422),
)
def add_comment(activity_id):
    data = load_body(CommentIn)
    return dump(CommentOut, activities.add_comment(g.agent.id, activity_id, data["body"])), 201


@bp.get("/activities/<activity_id>/comments")
@login_required
@operation(
    "An activity's comments, oldest first, paged",
    query=PageQuery,
    response=CommentPage,
    errors=(401, 404, 422),
)
def list_comments(activity_id):
    args = load_query(PageQuery)
    return page(CommentOut, activities.comments(activity_id, args["cursor"], args["limit"]))


@bp.post("/activities/<activity_id>/move")
@login_required
@operation(
    "Move an activity to another request of the same customer (D7)",
    body=MoveIn,
    response=ActivityOut,
    errors=(400, 401, 404, 409, 422),
)
def move_activity(activity_id):
    data = load_body(MoveIn)
    return dump(
        ActivityOut,
        activities.move_activity(g.agent.id, activity_id, data["request_id"], data["version"]),
    )
