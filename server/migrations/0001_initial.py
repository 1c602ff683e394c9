"""The initial schema: customers, requests, activities, tags, comments, workspace, change log.

A frozen copy of the models as they were at this migration, deliberately independent of
`server.models` (which moves on; later migrations alter what this one made).
"""

import datetime

import peewee as pw

TEXT_LIMIT = 2000
TAG_LIMIT = 50


def _now():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def up(migrator, db):
    class BaseModel(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Agent(BaseModel):
        id = pw.CharField(primary_key=True, max_length=100)
        name = pw.CharField(max_length=200)
        source = pw.CharField(max_length=10, default="finesse")  # finesse | local
        password_hash = pw.CharField(max_length=300, null=True)  # local accounts only
        locale = pw.CharField(max_length=20, default="en")
        created_at = pw.DateTimeField(default=_now)

    class Customer(BaseModel):
        name = pw.CharField(max_length=TEXT_LIMIT, default="")
        name_key = pw.CharField(max_length=200, default="", index=True)  # case-folded, for search
        email = pw.CharField(max_length=320, null=True, index=True)  # lower-cased
        phone = pw.CharField(max_length=32, null=True, index=True)  # E.164
        phone_raw = pw.CharField(max_length=TEXT_LIMIT, null=True)  # as typed, for display
        chat = pw.CharField(max_length=320, null=True, index=True)
        fields = pw.JSONField(default=dict)
        known = pw.BooleanField(default=True)
        version = pw.IntegerField(default=1)
        created_at = pw.DateTimeField(default=_now)
        updated_at = pw.DateTimeField(default=_now)

    class Request(BaseModel):
        customer = pw.ForeignKeyField(Customer, backref="requests", on_delete="CASCADE")
        title = pw.CharField(max_length=TEXT_LIMIT, default="")
        description = pw.TextField(default="")
        status = pw.CharField(max_length=10, default="open")  # open | closed
        created_at = pw.DateTimeField(default=_now)
        updated_at = pw.DateTimeField(default=_now)
        closed_at = pw.DateTimeField(null=True)
        # The last update of the request or of any of its activities (D6).
        last_activity_at = pw.DateTimeField(default=_now)
        version = pw.IntegerField(default=1)

        class Meta:
            indexes = (
                (("customer", "status", "updated_at"), False),
                (("status", "last_activity_at"), False),
            )

    class Activity(BaseModel):
        request = pw.ForeignKeyField(Request, backref="activities", on_delete="CASCADE")
        customer = pw.ForeignKeyField(Customer, backref="activities", on_delete="CASCADE")
        medium = pw.CharField(max_length=10)
        source_id = pw.CharField(max_length=200, null=True, unique=True)
        identity_kind = pw.CharField(max_length=10, null=True)
        identity_value = pw.CharField(max_length=TEXT_LIMIT, null=True)
        subject = pw.CharField(max_length=TEXT_LIMIT, default="")
        properties = pw.JSONField(default=dict)
        agent = pw.ForeignKeyField(Agent, null=True, on_delete="SET NULL")
        started_at = pw.DateTimeField(default=_now)
        ended_at = pw.DateTimeField(null=True)
        version = pw.IntegerField(default=1)

        class Meta:
            indexes = ((("request", "started_at"), False),)

    class Tag(BaseModel):
        activity = pw.ForeignKeyField(Activity, backref="tags", on_delete="CASCADE")
        name = pw.CharField(max_length=TAG_LIMIT)
        key = pw.CharField(max_length=TAG_LIMIT)  # trimmed and case-folded: C6 uniqueness
        created_at = pw.DateTimeField(default=_now)

        class Meta:
            indexes = ((("activity", "key"), True),)

    class Comment(BaseModel):
        activity = pw.ForeignKeyField(Activity, backref="comments", on_delete="CASCADE")
        author = pw.ForeignKeyField(Agent, null=True, on_delete="SET NULL")
        body = pw.TextField()
        created_at = pw.DateTimeField(default=_now)

        class Meta:
            indexes = ((("activity", "created_at"), False),)

    class WorkspaceEntry(BaseModel):
        agent = pw.ForeignKeyField(Agent, on_delete="CASCADE")
        customer = pw.ForeignKeyField(Customer, on_delete="CASCADE")
        activity = pw.ForeignKeyField(Activity, null=True, on_delete="SET NULL")
        status = pw.CharField(max_length=10, default="open")  # open | recent
        updated_at = pw.DateTimeField(default=_now)

        class Meta:
            indexes = (
                (("agent", "customer"), True),
                (("agent", "status", "updated_at"), False),
            )

    class Change(BaseModel):
        at = pw.DateTimeField(default=_now)
        agent = pw.CharField(max_length=100, null=True)  # None: the service itself (auto-close)
        kind = pw.CharField(max_length=20)  # customer | request | activity
        record_id = pw.IntegerField()
        action = pw.CharField(max_length=40)
        customer = pw.ForeignKeyField(Customer, null=True, on_delete="CASCADE")
        request_id = pw.IntegerField(null=True)
        activity_id = pw.IntegerField(null=True)
        journey = pw.BooleanField(default=False)
        data = pw.JSONField(default=dict)

        class Meta:
            indexes = (
                (("customer", "journey", "at", "id"), False),
                (("kind", "record_id", "at"), False),
            )

    db.create_tables([Agent, Customer, Request, Activity, Tag, Comment, WorkspaceEntry, Change])
