"""The mock Finesse harness (F4): stand-ins for what Finesse gives the gadget.

Registered only in development with `MOCK_FINESSE` on (its default there); never in production.
"""

from server.harness import container, desktop, finesse_rest  # noqa: F401  (routes register themselves)
from server.harness.blueprint import bp  # noqa: F401  (what the factory registers)
