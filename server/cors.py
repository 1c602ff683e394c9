"""Which browser origins may call the service, and CORS for them (flask-cors).

Inside Finesse the gadget's document belongs to the Finesse server, so the bridge and the
widget call the service from Finesse's origin (F1, F2). Allowed are the service's own origin
(`PUBLIC_URL`), Finesse's (`FINESSE_URL`) and those listed in `ALLOWED_ORIGINS` (more Finesse
nodes, comma separated). The same list answers the live-event socket's Origin check
(`is_allowed`), so the HTTP API and the socket never disagree.
"""

import re
import urllib.parse

from flask import current_app
from flask_cors import CORS

# The API, the widget's fragments and the files they load (fonts need CORS too).
CROSS_ORIGIN_PATHS = (r"/api/*", r"/widget/*", r"/static/*")
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
# What the bridge, the widget's fetch calls and htmx send.
REQUEST_HEADERS = ["Authorization", "Content-Type", "Accept", "Accept-Language", r"HX-[A-Za-z-]+"]
# Response headers htmx reads; a cross-origin response hides them unless they are exposed.
# htmx 2 reads each of these after every request, HX-Push too (its old name for HX-Push-Url):
# one left out is a "Refused to get unsafe header" console error per request cross-origin.
HTMX_RESPONSE_HEADERS = [
    "HX-Location",
    "HX-Push",
    "HX-Push-Url",
    "HX-Redirect",
    "HX-Refresh",
    "HX-Replace-Url",
    "HX-Reswap",
    "HX-Retarget",
    "HX-Reselect",
    "HX-Trigger",
    "HX-Trigger-After-Settle",
    "HX-Trigger-After-Swap",
]
PREFLIGHT_MAX_AGE = 600
# The customer chat widget runs on any website: its API and its panel answer every origin.
# Safe, because nothing there rides on cookies: the visitor's per-chat token is sent
# explicitly, and it reaches only its own chat (O5).
PUBLIC_PATHS = (r"/api/v1/chats", r"/api/v1/chats/*", r"/chat/*")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


def origin_of(url):
    """`scheme://host[:port]` of a URL, as a browser writes it in an Origin header."""
    try:
        parts = urllib.parse.urlsplit((url or "").strip())
        port = parts.port
    except ValueError:  # a port that is not a number
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if port is None or port == _DEFAULT_PORTS[parts.scheme]:
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


def allowed_origins(app=None):
    """The origins whose pages may call the service: its own, Finesse's and ALLOWED_ORIGINS."""
    app = app or current_app
    urls = [app.config["PUBLIC_URL"], app.config.get("FINESSE_URL")]
    urls += (app.config.get("ALLOWED_ORIGINS") or "").split(",")
    origins = {origin_of(url) for url in urls} - {None}
    if app.config.get("MOCK_FINESSE"):
        # The harness plays the Finesse desktop in development: whichever loopback name the
        # developer typed for it, its gadget may call the service on the same port.
        for url in (app.config["PUBLIC_URL"], app.config.get("FINESSE_URL")):
            parts = urllib.parse.urlsplit(origin_of(url) or "")
            if parts.hostname in ("127.0.0.1", "localhost", "::1"):
                port = f":{parts.port}" if parts.port else ""
                origins |= {f"{parts.scheme}://{host}{port}" for host in _LOOPBACK}
    return origins


def is_allowed(origin, app=None):
    """Whether a page of this origin may call the service (the socket's Origin check)."""
    return bool(origin) and origin.strip().lower().rstrip("/") in allowed_origins(app)


def _exactly(origin):
    # flask-cors takes strings with brackets (IPv6 hosts) for regular expressions: match each
    # origin literally and whole instead.
    return re.compile(re.escape(origin) + r"\Z", re.IGNORECASE)


def init_app(app):
    """Answer CORS (preflights included) for the cross-origin paths, to allowed origins only.

    flask-cors reads the origins here, once: settings that change them must be final before
    `create_app` returns.
    """
    options = {
        "origins": [_exactly(origin) for origin in sorted(allowed_origins(app))],
        "methods": METHODS,
        "allow_headers": REQUEST_HEADERS,
        "expose_headers": HTMX_RESPONSE_HEADERS,
        "supports_credentials": False,  # every call carries `Authorization: Bearer`, no cookies
        "max_age": PREFLIGHT_MAX_AGE,
    }
    public = {
        "origins": "*",
        "send_wildcard": True,  # "*", not the caller's origin: the answer is the same for all
        "methods": ["GET", "POST"],
        "allow_headers": ["Authorization", "Content-Type", "Accept", "Accept-Language"],
        "supports_credentials": False,
        "max_age": PREFLIGHT_MAX_AGE,
    }
    resources = {path: options for path in CROSS_ORIGIN_PATHS}
    # flask-cors tries the longest pattern first, so these win over "/api/*".
    resources.update({path: public for path in PUBLIC_PATHS})
    CORS(app, resources=resources)
