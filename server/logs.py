"""Logs: JSON lines in production, readable lines in development, each with a request id.

The request id is the incoming `X-Request-Id` (when it looks like one) or a new one; it is
echoed in the response, written on every log line of the request, carried into the RQ jobs
the request schedules (job meta) and kept for the life of a live socket, so one id finds a
change from the browser to the timed work it set off.

What is never logged: a credential, a token or a message body. Lines name the route (the
URL rule), never the raw path or query string (the socket's `?token=`), and no code logs a
request's headers or body; the redaction filter below is a second line of defence for a
text that slips through.
"""

import contextvars
import logging
import re
import sys
import uuid

from pythonjsonlogger.json import JsonFormatter

request_id_var = contextvars.ContextVar("request_id", default=None)

INCOMING_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")  # anything else is replaced
# Bearer tokens, Basic credentials, `token=`/`password=` pairs: masked wherever they appear.
SECRETS = re.compile(
    r"(?i)(bearer\s+|basic\s+"
    r"|(?:token|password|passwd|secret|key|authorization)[\"']?\s*[=:]\s*[\"']?)"
    r"(?:(?:bearer|basic)\s+)?[^\s\"'&,;]+"
)
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(request_id)s %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"
_HANDLER_FLAG = "_context_desk"
QUIET_LIBRARIES = ("peewee", "urllib3", "werkzeug")  # they log requests or statements whole


def new_request_id(incoming=None):
    """The caller's id when it is a plausible one, otherwise a fresh one."""
    if incoming and INCOMING_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


def current_request_id():
    return request_id_var.get()


def bind_request_id(value):
    """Set the id for what runs next in this context; returns the token to reset it with."""
    return request_id_var.set(value)


def reset_request_id(token):
    request_id_var.reset(token)


def redact(text):
    return SECRETS.sub(lambda m: m.group(1) + "***", text)


class ContextFilter(logging.Filter):
    """Adds the request id to every record and masks anything that looks like a secret."""

    def filter(self, record):
        record.request_id = request_id_var.get() or "-"
        if isinstance(record.msg, str) and record.args:
            try:
                record.msg, record.args = record.msg % record.args, None
            except (TypeError, ValueError):
                pass
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def formatter(kind):
    if kind == "json":
        return JsonFormatter(
            JSON_FIELDS,
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    return logging.Formatter(TEXT_FORMAT)


def configure(kind="json", level="INFO", stream=None):
    """Send every logger's lines to `stream` (stderr) as `kind` ("json" or "text"), once."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_FLAG, False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    setattr(handler, _HANDLER_FLAG, True)
    handler.setFormatter(formatter(kind))
    handler.addFilter(ContextFilter())
    root.addHandler(handler)
    root.setLevel(str(level).upper())
    # Peewee logs every statement with its parameters at DEBUG: passwords' hashes, message
    # bodies, customers' names. Never, whatever the level asked for.
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.INFO)
    return handler


def is_configured():
    return any(getattr(h, _HANDLER_FLAG, False) for h in logging.getLogger().handlers)


QUIET_ROUTES = {"/healthz", "/readyz", "/metrics"}  # probes every few seconds: DEBUG only
access_log = logging.getLogger("server.access")


def init_app(app):
    """Configure logging for this process (not under tests), and give every request its id."""
    from flask import g, request

    if not app.testing:
        from server.config import is_development

        kind = app.config.get("LOG_FORMAT") or ("text" if is_development(app.config) else "json")
        configure(kind, app.config.get("LOG_LEVEL") or "INFO")

    @app.before_request
    def take_request_id():
        g.request_id = new_request_id(request.headers.get("X-Request-Id"))
        g.request_id_token = bind_request_id(g.request_id)

    @app.after_request
    def echo_request_id(response):
        request_id = g.get("request_id")
        if request_id:
            response.headers["X-Request-Id"] = request_id
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        access_log.log(
            logging.DEBUG if route in QUIET_ROUTES else logging.INFO,
            "%s %s %s",
            request.method,
            route,
            response.status_code,
            extra={"method": request.method, "route": route, "status": response.status_code},
        )
        return response

    @app.teardown_request
    def forget_request_id(exc):
        token = g.pop("request_id_token", None)
        if token is not None:
            try:
                reset_request_id(token)
            except ValueError:  # set in another context (a copied one): nothing to undo
                request_id_var.set(None)
