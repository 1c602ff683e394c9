"""The v1 JSON API: a thin adapter from HTTP to the service layer.

Each area's routes are a module of their own on the one blueprint of `server.api.plumbing`;
importing them here registers them.
"""

from server.api import (  # noqa: F401  (the routes register themselves)
    activities,
    care,
    changes,
    chats,
    customers,
    interactions,
    openapi,
    privacy,
    requests,
    sessions,
)
from server.api.plumbing import bp  # noqa: F401  (what the factory registers)
