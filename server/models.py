"""The data model: customers, requests, activities and what hangs off them.

Timestamps are naive UTC, set from `server.clock.now` (a callable, so tests can set it).
Every customer, request and activity carries a `version` that each change increments;
updates check it in the UPDATE's WHERE clause (see `server.services.records`).
"""

import peewee as pw

from server.clock import now

database = pw.DatabaseProxy()

TEXT_LIMIT = 2000  # C4
TAG_LIMIT = 50  # C6
MEDIA = ("call", "chat", "email")
IDENTITY_KINDS = ("phone", "email", "chat")


class BaseModel(pw.Model):
    class Meta:
        database = database
        legacy_table_names = False


class Agent(BaseModel):
    id = pw.CharField(primary_key=True, max_length=100)
    name = pw.CharField(max_length=200)
    source = pw.CharField(max_length=10, default="finesse")  # finesse | local
    password_hash = pw.CharField(max_length=300, null=True)  # local accounts only
    locale = pw.CharField(max_length=20, default="en")
    created_at = pw.DateTimeField(default=now)
    role = pw.CharField(max_length=10, default="agent")  # agent | admin (O6: data requests)
    # Set by `agents disable`: no sign-in, and every session of the agent ends.
    disabled_at = pw.DateTimeField(null=True)


class AgentSession(BaseModel):
    """A signed-in agent's session (F3): the token names it, sign-out ends it. In the
    database, so a Redis restarted empty signs nobody out (O2)."""

    id = pw.CharField(primary_key=True, max_length=64)
    agent = pw.ForeignKeyField(Agent, on_delete="CASCADE")
    created_at = pw.DateTimeField(default=now)
    expires_at = pw.DateTimeField()
    ended_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("expires_at",), False),)


class Customer(BaseModel):
    """A person the organisation talks to; `known` is False for an identity with no record yet."""

    name = pw.CharField(max_length=TEXT_LIMIT, default="")
    name_key = pw.CharField(max_length=200, default="", index=True)  # case-folded, for search
    email = pw.CharField(max_length=320, null=True, index=True)  # lower-cased
    phone = pw.CharField(max_length=32, null=True, index=True)  # E.164
    phone_raw = pw.CharField(max_length=TEXT_LIMIT, null=True)  # as typed, for display
    chat = pw.CharField(max_length=320, null=True, index=True)
    fields = pw.JSONField(default=dict)
    known = pw.BooleanField(default=True)
    version = pw.IntegerField(default=1)
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)


class CustomerWord(BaseModel):
    """One search word of a known customer (C12): a name part, email part or phone form.

    Keyed (word, customer) so a prefix is a range scan in word order; the (customer, word)
    index checks a customer's other words and replaces them on an edit. PostgreSQL compares
    the words by code point (COLLATE "C", migration 0003), as SQLite does, so the range
    `word >= p AND word < p || U+10FFFF` is exactly "starts with p" on both stores.
    """

    word = pw.CharField(max_length=100)
    customer = pw.ForeignKeyField(Customer, on_delete="CASCADE", index=False)

    class Meta:
        primary_key = pw.CompositeKey("word", "customer")
        indexes = ((("customer", "word"), True),)


class Request(BaseModel):
    customer = pw.ForeignKeyField(Customer, backref="requests", on_delete="CASCADE")
    title = pw.CharField(max_length=TEXT_LIMIT, default="")
    description = pw.TextField(default="")
    status = pw.CharField(max_length=10, default="open")  # open | closed
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)
    closed_at = pw.DateTimeField(null=True)
    # The last update of the request or of any of its activities (D6).
    last_activity_at = pw.DateTimeField(default=now)
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
    started_at = pw.DateTimeField(default=now)
    ended_at = pw.DateTimeField(null=True)
    version = pw.IntegerField(default=1)

    class Meta:
        indexes = ((("request", "started_at"), False),)


class Tag(BaseModel):
    activity = pw.ForeignKeyField(Activity, backref="tags", on_delete="CASCADE")
    name = pw.CharField(max_length=TAG_LIMIT)
    key = pw.CharField(max_length=TAG_LIMIT)  # trimmed and case-folded: C6 uniqueness
    created_at = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("activity", "key"), True),)


class Comment(BaseModel):
    activity = pw.ForeignKeyField(Activity, backref="comments", on_delete="CASCADE")
    author = pw.ForeignKeyField(Agent, null=True, on_delete="SET NULL")
    body = pw.TextField()
    created_at = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("activity", "created_at"), False),)


class WorkspaceEntry(BaseModel):
    """A customer in an agent's Open or Recent list (C8, C9)."""

    agent = pw.ForeignKeyField(Agent, on_delete="CASCADE")
    customer = pw.ForeignKeyField(Customer, on_delete="CASCADE")
    activity = pw.ForeignKeyField(Activity, null=True, on_delete="SET NULL")
    status = pw.CharField(max_length=10, default="open")  # open | recent
    updated_at = pw.DateTimeField(default=now)

    class Meta:
        indexes = (
            (("agent", "customer"), True),
            (("agent", "status", "updated_at"), False),
        )


class Change(BaseModel):
    """The change log: who changed what, when; `journey` entries make the journey (C2)."""

    at = pw.DateTimeField(default=now)
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


class Task(BaseModel):
    """A chat, call or email waiting in the Care Desktop queue or handled by an agent (D2–D5, D9).

    `status`: queued → offered (to `agent`, until `offer_expires_at`) → active → ended; an
    offer not accepted in time puts it back to queued. `offer_number` names each offer, so a
    time-out job only ever acts on the offer it was made for. A partial unique index allows
    one active task per agent: the database itself refuses a second conversation (D4).
    """

    medium = pw.CharField(max_length=10)
    identity_kind = pw.CharField(max_length=10, null=True)
    identity_value = pw.CharField(max_length=TEXT_LIMIT, null=True)
    subject = pw.CharField(max_length=TEXT_LIMIT, default="")
    body = pw.TextField(default="")
    contact_name = pw.CharField(max_length=TEXT_LIMIT, default="")  # as the customer gave it
    # queued | offered | active | ended | abandoned (the visitor left before any agent took it)
    status = pw.CharField(max_length=10, default="queued")
    agent = pw.ForeignKeyField(Agent, null=True, on_delete="SET NULL")
    offer_number = pw.IntegerField(default=0)
    offered_at = pw.DateTimeField(null=True)
    offer_expires_at = pw.DateTimeField(null=True)
    accepted_at = pw.DateTimeField(null=True)
    ended_at = pw.DateTimeField(null=True)
    activity = pw.ForeignKeyField(Activity, null=True, on_delete="SET NULL")
    created_at = pw.DateTimeField(default=now)
    queued_at = pw.DateTimeField(default=now)  # the queue's order; kept when an offer lapses
    # SHA-256 of the customer's per-chat token (D9); the token itself is never stored.
    customer_token = pw.CharField(max_length=64, null=True)
    customer_left_at = pw.DateTimeField(null=True)  # a chat's visitor ended it or went away
    version = pw.IntegerField(default=1)

    class Meta:
        indexes = (
            (("status", "queued_at", "id"), False),
            (("agent", "status"), False),
        )


Task.add_index(
    Task.index(
        Task.agent, unique=True, where=(Task.status == "active"), name="task_one_active_per_agent"
    )
)


class AgentState(BaseModel):
    """An agent's Ready / Not Ready state (D5) and the one task offered to or handled by it (D4)."""

    agent = pw.ForeignKeyField(Agent, primary_key=True, on_delete="CASCADE")
    state = pw.CharField(max_length=10, default="not_ready")  # ready | not_ready
    reason = pw.CharField(max_length=40, null=True)  # why Not Ready, e.g. offer_timeout
    changed_at = pw.DateTimeField(default=now)  # the longest-ready agent is offered first
    # Unique: a task is in at most one agent's hands, whatever races (D5).
    task = pw.ForeignKeyField(Task, null=True, unique=True, on_delete="SET NULL")

    class Meta:
        indexes = ((("state", "changed_at"), False),)


class TaskMessage(BaseModel):
    """One chat message between the customer and the agent handling the task (D9)."""

    task = pw.ForeignKeyField(Task, backref="messages", on_delete="CASCADE")
    sender = pw.CharField(max_length=10)  # agent | customer
    agent = pw.ForeignKeyField(Agent, null=True, on_delete="SET NULL")
    body = pw.TextField()
    created_at = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("task", "id"), False),)


class IntegrationKey(BaseModel):
    """A named key another system queues calls and emails with (D9); only its hash is kept."""

    name = pw.CharField(max_length=100, unique=True)
    key_hash = pw.CharField(max_length=64, unique=True)  # SHA-256 of the key, hex
    created_at = pw.DateTimeField(default=now)
    revoked_at = pw.DateTimeField(null=True)


MODELS = [
    Agent,
    AgentSession,
    Customer,
    CustomerWord,
    Request,
    Activity,
    Tag,
    Comment,
    WorkspaceEntry,
    Change,
    Task,
    AgentState,
    TaskMessage,
    IntegrationKey,
]
