"""The mock Finesse harness (F4): stand-ins for what Finesse gives the gadget.

On in development (`MOCK_FINESSE=1`), off unless configured in production.
"""

from server.harness import container, desktop, finesse_rest  # noqa: F401  (routes register themselves)
from server.harness.blueprint import bp  # noqa: F401  (what the factory registers)
