"""POST/DELETE /session (F3)."""

from flask import current_app, g

from server.api.plumbing import bp, dump, load_body, operation
from server.auth import login_required, sessions
from server.extensions import limiter
from server.schemas.sessions import SessionIn, SessionOut


@bp.post("/session")
# Only refused sign-ins count: an agent signing in again and again (a reloaded gadget, a
# shared address) never spends the budget that stops someone guessing a password.
@limiter.limit(
    lambda: current_app.config["SESSION_RATE_LIMIT"],
    deduct_when=lambda response: response.status_code == 401,
)
@operation(
    "Sign in with Finesse credentials or a local account",
    body=SessionIn,
    response=SessionOut,
    status=201,
    errors=(400, 401, 422, 429, 503),
)
def create_session():
    data = load_body(SessionIn)
    if "finesse" in data:
        agent = sessions().verify_finesse(data["finesse"]["id"], data["finesse"]["authorization"])
    else:
        agent = sessions().verify_local(data["local"]["username"], data["local"]["password"])
    token, expires_at = sessions().issue(agent)
    return dump(SessionOut, {"token": token, "agent": agent, "expires_at": expires_at}), 201


@bp.delete("/session")
@login_required
@operation("Sign out", status=204, errors=(401,))
def end_session():
    sessions().end(g.session_id)
    return "", 204
