"""What `/readyz` asks of the database: that it answers, and that no migration is pending."""

from playhouse.migrations import Runner

from server.extensions import MIGRATIONS
from server.models import database


def database_answers():
    """Send the cheapest statement there is; raises when the database does not answer."""
    database.execute_sql("SELECT 1").fetchone()


def pending_migrations(directory=MIGRATIONS):
    """The names of the migrations in `directory` not yet applied to the database, in order."""
    runner = Runner(database.obj, directory=directory)
    return [m.name for m in runner.status() if m.path is not None and not m.applied]
