"""What `/readyz` asks of the database: that it answers, and that no migration is pending."""

from server.extensions import pending_migrations
from server.models import database

__all__ = ["database_answers", "pending_migrations"]


def database_answers():
    """Send the cheapest statement there is; raises when the database does not answer."""
    database.execute_sql("SELECT 1").fetchone()
