"""The mock Finesse harness (F4): stand-ins for what Finesse gives the gadget.

On in development (`MOCK_FINESSE=1`), off unless configured in production.
"""

from flask import Blueprint

bp = Blueprint("harness", __name__, template_folder="templates")

from server.harness import container, desktop, finesse_rest  # noqa: E402,F401  (routes register themselves)
