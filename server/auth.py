"""Who is calling: the agent behind a bearer token (F3)."""

import functools

from flask import current_app, g, request

from server.extensions import redis_client
from server.services.sessions import Sessions, Unauthorized


def init_app(app):
    app.extensions["sessions"] = Sessions(
        secret_key=app.config["SECRET_KEY"],
        redis=redis_client(),
        ttl=app.config["SESSION_TTL"],
        finesse_url=app.config["FINESSE_URL"],
        finesse_timeout=app.config["FINESSE_TIMEOUT"],
        verdict_ttl=app.config["FINESSE_VERDICT_TTL"],
    )


def sessions():
    return current_app.extensions["sessions"]


def bearer_token():
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[len("Bearer ") :].strip()
    return None


def login_required(view):
    """Run the view only for an agent with a live session; `g.agent` is that agent."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        token = bearer_token()
        if not token:
            raise Unauthorized("Sign in first: send 'Authorization: Bearer <token>'.")
        g.agent, g.session_id = sessions().agent_for(token)
        return view(*args, **kwargs)

    wrapped.login_required = True
    return wrapped
