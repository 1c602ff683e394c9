"""Agents get a role: `agent` (everyone, as before) or `admin`, who may export and erase a
customer's data on request (O6). Granted with `flask --app server agents admin NAME`."""

import peewee as pw
from playhouse.migrate import migrate


def up(migrator, db):
    migrate(
        migrator.add_column("agent", "role", pw.CharField(max_length=10, default="agent")),
    )
