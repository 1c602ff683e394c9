"""Care Desktop tasks: the queue, offers, agents' Ready / Not Ready state, chat messages.

A frozen copy of the models as they were at this migration, independent of `server.models`.
`Agent` and `Activity` appear only as stubs, for the foreign keys. One active task per
agent is a partial unique index (D4).
"""

import datetime

import peewee as pw

TEXT_LIMIT = 2000


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def up(migrator, db):
    class BaseModel(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Agent(BaseModel):
        id = pw.CharField(primary_key=True, max_length=100)

    class Activity(BaseModel):
        pass

    class Task(BaseModel):
        medium = pw.CharField(max_length=10)
        identity_kind = pw.CharField(max_length=10, null=True)
        identity_value = pw.CharField(max_length=TEXT_LIMIT, null=True)
        subject = pw.CharField(max_length=TEXT_LIMIT, default="")
        body = pw.TextField(default="")
        status = pw.CharField(max_length=10, default="queued")  # queued|offered|active|ended
        agent = pw.ForeignKeyField(Agent, null=True, on_delete="SET NULL")
        offer_number = pw.IntegerField(default=0)
        offered_at = pw.DateTimeField(null=True)
        offer_expires_at = pw.DateTimeField(null=True)
        accepted_at = pw.DateTimeField(null=True)
        ended_at = pw.DateTimeField(null=True)
        activity = pw.ForeignKeyField(Activity, null=True, on_delete="SET NULL")
        created_at = pw.DateTimeField(default=_now)
        queued_at = pw.DateTimeField(default=_now)
        customer_token = pw.CharField(max_length=64, null=True)
        version = pw.IntegerField(default=1)

        class Meta:
            indexes = (
                (("status", "queued_at", "id"), False),
                (("agent", "status"), False),
            )

    Task.add_index(
        Task.index(
            Task.agent,
            unique=True,
            where=(Task.status == "active"),
            name="task_one_active_per_agent",
        )
    )

    class AgentState(BaseModel):
        agent = pw.ForeignKeyField(Agent, primary_key=True, on_delete="CASCADE")
        state = pw.CharField(max_length=10, default="not_ready")  # ready | not_ready
        reason = pw.CharField(max_length=40, null=True)
        changed_at = pw.DateTimeField(default=_now)
        task = pw.ForeignKeyField(Task, null=True, unique=True, on_delete="SET NULL")

        class Meta:
            indexes = ((("state", "changed_at"), False),)

    class TaskMessage(BaseModel):
        task = pw.ForeignKeyField(Task, on_delete="CASCADE")
        sender = pw.CharField(max_length=10)  # agent | customer
        agent = pw.ForeignKeyField(Agent, null=True, on_delete="SET NULL")
        body = pw.TextField()
        created_at = pw.DateTimeField(default=_now)

        class Meta:
            indexes = ((("task", "id"), False),)

    db.create_tables([Task, AgentState, TaskMessage])
