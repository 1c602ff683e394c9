"""Requests (C5, D6)."""

from flask import g

from server.api.plumbing import bp, dump, load_body, operation
from server.auth import login_required
from server.schemas.requests import RequestOut, RequestPatch
from server.services import requests as requests_service


@bp.get("/requests/<request_id>")
@login_required
@operation("A request", response=RequestOut)
def get_request(request_id):
    return dump(RequestOut, requests_service.get_request(request_id))


@bp.patch("/requests/<request_id>")
@login_required
@operation(
    "Edit a request's title, description or status (409 when `version` is stale)",
    body=RequestPatch,
    response=RequestOut,
    errors=(400, 401, 404, 409, 422),
)
def update_request(request_id):
    data = load_body(RequestPatch)
    version = data.pop("version")
    return dump(RequestOut, requests_service.update_request(g.agent.id, request_id, version, data))
