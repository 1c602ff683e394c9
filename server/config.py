"""Settings: defaults here, then the environment, then a test mapping."""

import os

# The widget's languages (C10); the first is the fallback for any other locale.
LOCALES = ("en", "nl", "fr", "tr")

DEFAULTS = {
    "SECRET_KEY": "dev-only-secret-change-me",
    "DATABASE_URL": None,  # None: a SQLite file under the instance folder
    "REDIS_URL": None,  # None: the embedded Redis under the instance folder
    "PUBLIC_URL": "http://127.0.0.1:8000",
    "FINESSE_URL": None,  # None: PUBLIC_URL, where the mock Finesse REST API answers
    "MOCK_FINESSE": True,
    "MOCK_FINESSE_AGENTS": "agent1:password1,agent2:password2,agent3:password3",
    "DEFAULT_REGION": "NL",
    "SESSION_TTL": 8 * 3600,
    "FINESSE_VERDICT_TTL": 60,
    "FINESSE_TIMEOUT": 5.0,
    "AUTO_CLOSE_AFTER": 5 * 24 * 3600,
    "OFFER_TIMEOUT": 15,
    "ALLOWED_ORIGINS": "",
    "INTEGRATION_KEY": "dev-integration-key",
    "SESSION_RATE_LIMIT": "20 per minute",  # sign-in attempts per address and user name
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "SOCK_SERVER_OPTIONS": {"ping_interval": 25},
}

_BOOLEANS = {"MOCK_FINESSE"}
_INTEGERS = {
    "SESSION_TTL",
    "FINESSE_VERDICT_TTL",
    "AUTO_CLOSE_AFTER",
    "OFFER_TIMEOUT",
    "MAX_CONTENT_LENGTH",
}


def from_environment(environ=os.environ):
    """Return the settings that the environment overrides, converted to their types."""
    settings = {}
    for key in DEFAULTS:
        if key not in environ or key == "SOCK_SERVER_OPTIONS":
            continue
        value = environ[key]
        if key in _BOOLEANS:
            value = value.strip().lower() in {"1", "true", "yes", "on"}
        elif key in _INTEGERS:
            value = int(value)
        elif key == "FINESSE_TIMEOUT":
            value = float(value)
        settings[key] = value
    return settings
