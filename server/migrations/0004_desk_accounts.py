"""Care Desktop accounts and intake: agents can be disabled; named integration keys; the
name a task's customer gave.

A frozen copy of the new table, independent of `server.models`. An integration key is kept
only as its SHA-256 hash (D9); revoking it keeps the row, so its name stays taken.
"""

import datetime

import peewee as pw


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def up(migrator, db):
    class BaseModel(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class IntegrationKey(BaseModel):
        name = pw.CharField(max_length=100, unique=True)
        key_hash = pw.CharField(max_length=64, unique=True)
        created_at = pw.DateTimeField(default=_now)
        revoked_at = pw.DateTimeField(null=True)

    migrator.migrate(
        migrator.add_column("agent", "disabled_at", pw.DateTimeField(null=True)),
        # The name a customer gave with a task (the chat widget asks it), for the queue.
        migrator.add_column("task", "contact_name", pw.CharField(max_length=2000, default="")),
    )
    db.create_tables([IntegrationKey])
