"""Interactions from the desktop (C1, C1b) and the agent's workspace (C8, C9)."""

from flask import g

from server.api.plumbing import (
    ACTIVITY_OPERATIONS,
    CUSTOMER_OPERATIONS,
    REQUEST_OPERATIONS,
    bp,
    dump,
    links_to,
    load_body,
    operation,
)
from server.auth import login_required
from server.schemas.activities import ActivityOut
from server.schemas.interactions import (
    InteractionIn,
    InteractionOut,
    WorkspaceCloseIn,
    WorkspaceOpenIn,
    WorkspaceOut,
)
from server.services import interactions, workspace


@bp.post("/interactions")
@login_required
@operation(
    "A call answered, chat accepted or email opened in the desktop (C1, C1b)",
    body=InteractionIn,
    response=InteractionOut,
    status=201,
    errors=(400, 401, 403, 409, 422),
    also={200: "This source_id was registered before: its activity, unchanged"},
    links={
        **links_to(ACTIVITY_OPERATIONS, activity_id="$response.body#/activity/id"),
        **links_to(REQUEST_OPERATIONS, request_id="$response.body#/request/id"),
        **links_to(CUSTOMER_OPERATIONS, customer_id="$response.body#/request/customer_id"),
        "end_interaction": {"source_id": "$response.body#/activity/source_id"},
    },
)
def register_interaction():
    data = load_body(InteractionIn)
    result = interactions.register(
        g.agent.id,
        data["medium"],
        data["source_id"],
        data["identity"],
        data["subject"],
        data["properties"],
    )
    return dump(InteractionOut, result), 201 if result.created else 200


@bp.post("/interactions/<path:source_id>/end")
@login_required
@operation(
    "The interaction ended in the desktop (only by the agent handling it: O5)",
    response=ActivityOut,
    errors=(401, 403, 404),
)
def end_interaction(source_id):
    return dump(ActivityOut, interactions.end(g.agent.id, source_id))


@bp.get("/workspace")
@login_required
@operation("The agent's Open and Recent lists", response=WorkspaceOut, errors=(401,))
def get_workspace():
    return dump(WorkspaceOut, workspace.lists(g.agent.id))


@bp.post("/workspace/open")
@login_required
@operation(
    "Reopen a customer from Recent or search (C9)",
    body=WorkspaceOpenIn,
    response=WorkspaceOut,
    errors=(400, 401, 404, 422),
)
def open_customer():
    data = load_body(WorkspaceOpenIn)
    workspace.reopen(g.agent.id, data["customer_id"])
    return dump(WorkspaceOut, workspace.lists(g.agent.id))


@bp.post("/workspace/close")
@login_required
@operation(
    "Close: the customer leaves Open for Recent (C8)",
    body=WorkspaceCloseIn,
    response=WorkspaceOut,
    errors=(400, 401, 404, 422),
)
def close_customer():
    data = load_body(WorkspaceCloseIn)
    workspace.close(g.agent.id, data["customer_id"], data["activity_id"])
    return dump(WorkspaceOut, workspace.lists(g.agent.id))
