"""One place that turns every error into the problem+json of the API contract."""

import logging
import math
import time

import redis
from flask import jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from server.api.plumbing import validation_problem
from server.errors import Problem, Stale
from server.extensions import limiter
from server.schemas.activities import ActivityOut
from server.schemas.customers import CustomerOut
from server.schemas.requests import RequestOut

log = logging.getLogger(__name__)

REDIS_RETRY_AFTER = 5  # seconds: a Redis restart takes about that

CURRENT_SCHEMAS = {"customer": CustomerOut, "request": RequestOut, "activity": ActivityOut}


def problem_response(problem):
    if isinstance(problem, Stale) and not isinstance(problem.extra.get("current"), dict):
        problem.extra["current"] = CURRENT_SCHEMAS[problem.kind]().dump(problem.extra["current"])
    response = jsonify(problem.to_dict())
    response.status_code = problem.status
    response.mimetype = "application/problem+json"
    return response


def _seconds_until_allowed():
    """When the limit that refused this request lets the caller in again (at least 1 s)."""
    breached = limiter.current_limit
    if breached is None:
        return 1
    return max(1, math.ceil(breached.reset_at - time.time()))


def init_app(app):
    @app.errorhandler(Problem)
    def handle_problem(error):
        return problem_response(error)

    @app.errorhandler(ValidationError)
    def handle_validation(error):
        return problem_response(validation_problem(error))

    @app.errorhandler(HTTPException)
    def handle_http(error):
        if not request.path.startswith(("/api/", "/finesse/")):
            return error
        response = problem_response(Problem(error.code, error.description))
        # What the error says in its headers stays said: 405's Allow (TRACE, PUT…), 429's
        # Retry-After, 401's WWW-Authenticate.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        if error.code == 429:
            response.headers["Retry-After"] = str(_seconds_until_allowed())
        return response

    @app.errorhandler(redis.RedisError)
    def handle_redis_away(error):
        # Redis is down or restarting (O2, O3): what needs it now waits; edits and sign-ins
        # do not (sessions are in the database, live events and timers catch up).
        log.warning("Redis unavailable on %s %s: %s", request.method, request.path, error)
        response = problem_response(
            Problem(503, "A service this needs is restarting; try again in a few seconds.")
        )
        response.headers["Retry-After"] = str(REDIS_RETRY_AFTER)
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem_response(Problem(500, "Something went wrong on our side; it was logged."))
