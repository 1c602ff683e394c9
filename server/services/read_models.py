"""What the services hand to adapters: small read models, complete, so nothing renders by query.

Customers, requests, changes and tasks go out as the rows the service read (plain columns;
adapters read `*_id` columns, never a foreign key that would load a row). An activity goes
out as an `ActivityView`, with its tags, because every screen and every API answer shows them.
"""

from dataclasses import dataclass, field

from server.models import IDENTITY_KINDS


def identity_of_customer(customer):
    """The identity an unknown customer is known by (C1: the number, address or chat id)."""
    for kind in IDENTITY_KINDS:
        value = getattr(customer, kind)
        if kind == "phone" and customer.phone_raw:
            value = customer.phone_raw
        if value:
            return {kind: value}
    return {}


@dataclass(frozen=True, slots=True)
class ActivityView:
    """One interaction with its tags (C6)."""

    id: int
    request_id: int
    customer_id: int
    medium: str
    source_id: str | None
    subject: str
    identity: dict
    properties: dict
    started_at: object
    ended_at: object
    agent_id: str | None
    version: int
    tags: tuple = ()

    @classmethod
    def of(cls, activity, tags=()):
        identity = (
            {activity.identity_kind: activity.identity_value} if activity.identity_kind else {}
        )
        return cls(
            id=activity.id,
            request_id=activity.request_id,
            customer_id=activity.customer_id,
            medium=activity.medium,
            source_id=activity.source_id,
            subject=activity.subject,
            identity=identity,
            properties=activity.properties or {},
            started_at=activity.started_at,
            ended_at=activity.ended_at,
            agent_id=activity.agent_id,
            version=activity.version,
            tags=tuple(tags),
        )


class _CustomerShown:
    """An entry about a customer who may be unknown: `known_customer` is None then (C1)."""

    @property
    def customer_id(self):
        return self.customer.id

    @property
    def known_customer(self):
        return self.customer if self.customer.known else None

    @property
    def identity(self):
        return identity_of_customer(self.customer)


@dataclass(frozen=True, slots=True)
class InteractionView(_CustomerShown):
    """What registering an interaction produced (C1, C1b); `created` False for a repeat.

    `matches`: when the identity belongs to several known customers, all of them (the
    activity went to the first, the most recently updated): the agent's choice (C12).
    """

    customer: object
    request: object
    activity: ActivityView
    created: bool
    matches: tuple = ()


@dataclass(frozen=True, slots=True)
class ListEntry(_CustomerShown):
    """One line of the Open or Recent list: the customer, the interaction, its request."""

    customer: object
    activity: ActivityView | None
    request: object
    status: str
    updated_at: object


@dataclass(frozen=True, slots=True)
class Workspace:
    open: list
    recent: list


@dataclass(frozen=True, slots=True)
class JourneyItem:
    """One journey entry (C2): the change, with the activity and request it is about."""

    change: object
    activity: ActivityView | None
    request: object
    # A chat's messages (D1: the transcript is kept with its activity), on its "started" entry.
    transcript: tuple = ()

    @property
    def tags(self):
        return list(self.activity.tags) if self.activity else []


@dataclass(frozen=True, slots=True)
class CustomerContext:
    """Everything the widget shows about one customer: header, request, activity, journey."""

    customer: object
    activity: ActivityView | None
    request: object
    requests: list
    journey: object  # a Page of JourneyItem
    comments: list = field(default_factory=list)
    # The other known customers with the interaction's phone or email: the agent's choice (C12).
    sharing: list = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TaskContext(_CustomerShown):
    """A task with what is known of its customer (D2); `customer` may be an unknown one."""

    task: object
    customer: object
    requests: list
    journey: object

    @property
    def known_customer(self):
        return self.customer if self.customer is not None and self.customer.known else None

    @property
    def identity(self):
        task = self.task
        return {task.identity_kind: task.identity_value} if task.identity_kind else {}


@dataclass(frozen=True, slots=True)
class CreatedTask:
    """A queued task; a chat's `chat_token` is handed out once, here, and never stored."""

    task: object
    chat_token: str | None


@dataclass(frozen=True, slots=True)
class AcceptedTask:
    """An accepted task (D3) and the interaction its activity became (C1b)."""

    task: object
    interaction: InteractionView

    # The interaction's parts, so the answer to an accept is the interaction plus the task.
    @property
    def known_customer(self):
        return self.interaction.known_customer

    @property
    def identity(self):
        return self.interaction.identity

    @property
    def request(self):
        return self.interaction.request

    @property
    def activity(self):
        return self.interaction.activity


@dataclass(frozen=True, slots=True)
class ChatTranscript:
    """A chat (a Care Desktop task) and its messages, oldest first."""

    task: object
    messages: list


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    """Everything the service holds about one customer (O6: a data request's answer)."""

    exported_at: object
    customer: object
    requests: list
    activities: list
    tags: list
    comments: list
    chats: list
    changes: list


@dataclass(frozen=True, slots=True)
class Erasure:
    """What erasing a customer changed (O6): the rows stay, their personal data went."""

    customer_id: int
    erased_at: object
    requests: int
    activities: int
    comments: int
    chat_messages: int
    changes: int

    def counts(self):
        return {
            "requests": self.requests,
            "activities": self.activities,
            "comments": self.comments,
            "chat_messages": self.chat_messages,
            "changes": self.changes,
        }
