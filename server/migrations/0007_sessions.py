"""Agent sessions in the database (F3, O2): a Redis restarted empty signs nobody out.

A frozen copy of the model as it was at this migration; `Agent` appears only as a stub for
the foreign key. Sessions that were in Redis before are not carried over: their agents
sign in once more.
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

    class Agent(BaseModel):
        id = pw.CharField(primary_key=True, max_length=100)

    class AgentSession(BaseModel):
        id = pw.CharField(primary_key=True, max_length=64)
        agent = pw.ForeignKeyField(Agent, on_delete="CASCADE")
        created_at = pw.DateTimeField(default=_now)
        expires_at = pw.DateTimeField()
        ended_at = pw.DateTimeField(null=True)

        class Meta:
            indexes = ((("expires_at",), False),)

    db.create_tables([AgentSession])
