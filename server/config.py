"""Settings: defaults here, then the environment, then a test mapping; checked before use (O4).

`ENV` is "development" or anything else, which is production: unset means production, so a
service nobody configured fails closed. Only development has a default secret, integration
key, public address and mock Finesse.
"""

import os

import click

# The widget's languages (C10); the first is the fallback for any other locale.
LOCALES = ("en", "nl", "fr", "tr")

DEVELOPMENT = "development"
MIN_SECRET_KEY_LENGTH = 32
MIN_INTEGRATION_KEY_LENGTH = 16

DEFAULTS = {
    "ENV": "production",
    "SECRET_KEY": None,
    "DATABASE_URL": None,  # None: a SQLite file under the instance folder
    "REDIS_URL": None,  # required: `make run` starts an embedded Redis and passes its URL
    "PUBLIC_URL": None,
    "FINESSE_URL": None,
    "MOCK_FINESSE": None,  # None: on in development, off elsewhere
    "MOCK_FINESSE_AGENTS": "agent1:password1,agent2:password2,agent3:password3",
    "DEFAULT_REGION": "NL",
    "SESSION_TTL": 8 * 3600,
    "FINESSE_VERDICT_TTL": 60,
    "FINESSE_TIMEOUT": 5.0,
    "AUTO_CLOSE_AFTER": 5 * 24 * 3600,
    "OFFER_TIMEOUT": 15,
    # Seconds a chat's visitor may be away (no socket: page closed, network gone) before
    # the chat counts as left: a waiting chat leaves the queue, an agent's is told (D9).
    "CHAT_GONE_AFTER": 60,
    "ALLOWED_ORIGINS": "",
    # F6: which call variables / media properties prefill the new-customer form, as
    # "name=callVariable1,email=callVariable2,fields.company=callVariable3" (empty: none).
    "PREFILL_FROM": "",
    "INTEGRATION_KEY": None,  # None: POST /api/v1/tasks refuses every key
    "SESSION_RATE_LIMIT": "20 per minute",  # refused sign-ins per address and user name
    "CHAT_RATE_LIMIT": "10 per hour",  # chats a visitor's address may start (the chat widget)
    "CHAT_MESSAGE_RATE_LIMIT": "60 per minute",  # messages a visitor's address may send
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "SOCK_SERVER_OPTIONS": {"ping_interval": 25},
    "METRICS_TOKEN": None,  # None: /metrics is not served
    "LOG_FORMAT": None,  # json | text; None: text in development, JSON elsewhere
    "LOG_LEVEL": "INFO",
    # Live sockets (server/realtime/): each holds a web thread while it is open, so there is a
    # cap per session, per agent and per process; None: WEB_THREADS less a quarter (at least
    # 4) kept for the API, so sockets never take the threads sign-in and /healthz need.
    "LIVE_SOCKETS_PER_SESSION": 3,
    "LIVE_SOCKETS_PER_AGENT": 6,
    "LIVE_MAX_SOCKETS": None,
    "WEB_THREADS": 600,
}

# What development uses for the settings left unset; never used elsewhere. FINESSE_URL
# falls back to PUBLIC_URL, where the mock Finesse REST API answers.
DEVELOPMENT_DEFAULTS = {
    "SECRET_KEY": "dev-only-secret-change-me",
    "INTEGRATION_KEY": "dev-integration-key",
    "PUBLIC_URL": "http://127.0.0.1:8000",
    "MOCK_FINESSE": True,
}

_BOOLEANS = {"MOCK_FINESSE"}
_INTEGERS = {
    "SESSION_TTL",
    "FINESSE_VERDICT_TTL",
    "AUTO_CLOSE_AFTER",
    "OFFER_TIMEOUT",
    "CHAT_GONE_AFTER",
    "MAX_CONTENT_LENGTH",
    "LIVE_SOCKETS_PER_SESSION",
    "LIVE_SOCKETS_PER_AGENT",
    "LIVE_MAX_SOCKETS",
    "WEB_THREADS",
}
_FLOATS = {"FINESSE_TIMEOUT"}


class ConfigError(click.ClickException):
    """A missing or unsafe setting: the service stops with one line naming it (O4).

    A ClickException, so that `flask` commands print the line and exit 1 instead of a
    traceback; the runner and the WSGI entry print the same line themselves.
    """

    def line(self):
        return f"context-desk: configuration error: {self.message}"

    def show(self, file=None):
        click.echo(self.line(), file=file or click.get_text_stream("stderr"))


def is_development(settings):
    return str(settings.get("ENV") or "").strip().lower() == DEVELOPMENT


def from_environment(environ=os.environ):
    """Return the settings that the environment overrides, converted to their types."""
    settings = {}
    for key in DEFAULTS:
        if key not in environ or key == "SOCK_SERVER_OPTIONS":
            continue
        value = environ[key]
        try:
            if key in _BOOLEANS:
                value = value.strip().lower() in {"1", "true", "yes", "on"}
            elif key in _INTEGERS:
                value = int(value)
            elif key in _FLOATS:
                value = float(value)
        except ValueError:
            raise ConfigError(f"{key} is not a number: {value!r}") from None
        settings[key] = value
    return settings


def finish(settings):
    """Fill in development's defaults (development only), then check every setting."""
    if is_development(settings):
        for key, value in DEVELOPMENT_DEFAULTS.items():
            if settings.get(key) in (None, ""):
                settings[key] = value
        settings["FINESSE_URL"] = settings.get("FINESSE_URL") or settings["PUBLIC_URL"]
    elif settings.get("MOCK_FINESSE") is None:
        settings["MOCK_FINESSE"] = False
    validate(settings)
    return settings


def validate(settings):
    """Raise ConfigError naming the first setting that is missing or unsafe."""
    if not is_development(settings):
        _validate_production(settings)
    if not settings.get("REDIS_URL"):
        raise ConfigError("REDIS_URL is not set (`make run` starts an embedded Redis)")


def _validate_production(settings):
    where = "outside development"
    secret = settings.get("SECRET_KEY")
    if not secret:
        raise ConfigError(f"SECRET_KEY is not set (required {where})")
    if secret == DEVELOPMENT_DEFAULTS["SECRET_KEY"]:
        raise ConfigError(f"SECRET_KEY is the development key (not allowed {where})")
    if len(secret) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"SECRET_KEY is too short ({len(secret)} characters; "
            f"at least {MIN_SECRET_KEY_LENGTH} {where})"
        )
    key = settings.get("INTEGRATION_KEY")
    if key == DEVELOPMENT_DEFAULTS["INTEGRATION_KEY"]:
        raise ConfigError(f"INTEGRATION_KEY is the development key (not allowed {where})")
    if key and len(key) < MIN_INTEGRATION_KEY_LENGTH:
        raise ConfigError(
            f"INTEGRATION_KEY is too short ({len(key)} characters; "
            f"at least {MIN_INTEGRATION_KEY_LENGTH} {where})"
        )
    if settings.get("MOCK_FINESSE"):
        raise ConfigError(f"MOCK_FINESSE is on (the mock Finesse is not allowed {where})")
    # FINESSE_URL is optional: a team on the Care Desktop alone has no Finesse, and then no
    # Finesse sign-in is accepted at all (server.services.sessions refuses it).
    for name, required in (("PUBLIC_URL", True), ("FINESSE_URL", False)):
        url = settings.get(name)
        if not url:
            if required:
                raise ConfigError(f"{name} is not set (required {where})")
            continue
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"{name} is not an http(s) URL: {url!r}")
    # /metrics is served only with this bearer token: outside development it must exist, so
    # the metrics are neither public nor silently missing.
    token = settings.get("METRICS_TOKEN")
    if not token:
        raise ConfigError(f"METRICS_TOKEN is not set (required {where}, for /metrics)")
    if len(token) < MIN_INTEGRATION_KEY_LENGTH:
        raise ConfigError(
            f"METRICS_TOKEN is too short ({len(token)} characters; "
            f"at least {MIN_INTEGRATION_KEY_LENGTH} {where})"
        )
    if settings.get("LOG_FORMAT") not in (None, "", "json", "text"):
        raise ConfigError(f"LOG_FORMAT is neither json nor text: {settings['LOG_FORMAT']!r}")
