"""A customer's data on request (O6): the complete record exported, or erased.

Only an administrator may do either (an agent with `role` "admin"; the CLI acts as the
operator). Erasure keeps every row, so the statistics stay (how many requests, activities,
comments and chats, by medium, status, agent and time), and removes what identifies the
person or was written about them: the customer's personal fields, the free texts of its
requests, activities, comments and chats, and the old values in the change log. The
erasure itself is written to the change log.
"""

from server.clock import now
from server.models import (
    Activity,
    Agent,
    Change,
    Comment,
    Customer,
    CustomerWord,
    Request,
    Tag,
    Task,
    TaskMessage,
    WorkspaceEntry,
)
from server.services.read_models import ActivityView, ChatTranscript, CustomerRecord, Erasure
from server.services.records import get_or_404, record_change, unit_of_work
from server.services.tasks import Forbidden

ADMIN = "admin"
OPERATOR = "operator (flask CLI)"  # who the change log names for a command-line erasure


def require_admin(agent):
    """403 unless `agent` is an administrator; None is the operator at the command line."""
    if agent is not None and getattr(agent, "role", None) != ADMIN:
        raise Forbidden("Only an administrator may export or erase a customer's data.")


def set_admin(agent_id, admin=True):
    """Grant (or take back) the administrator role; False when there is no such agent."""
    role = ADMIN if admin else "agent"
    return Agent.update(role=role).where(Agent.id == agent_id).execute() == 1


def export(agent, customer_id):
    """The customer's complete record: everything the service holds about them."""
    require_admin(agent)
    customer = get_or_404(Customer, customer_id, "customer")
    requests = list(Request.select().where(Request.customer == customer.id).order_by(Request.id))
    activities = list(
        Activity.select().where(Activity.customer == customer.id).order_by(Activity.id)
    )
    activity_ids = [activity.id for activity in activities]
    tags = list(Tag.select().where(Tag.activity.in_(activity_ids)).order_by(Tag.id))
    names = {}
    for tag in tags:
        names.setdefault(tag.activity_id, []).append(tag.name)
    comments = list(Comment.select().where(Comment.activity.in_(activity_ids)).order_by(Comment.id))
    tasks = list(Task.select().where(Task.activity.in_(activity_ids)).order_by(Task.id))
    messages = {}
    for message in (
        TaskMessage.select()
        .where(TaskMessage.task.in_([task.id for task in tasks]))
        .order_by(TaskMessage.id)
    ):
        messages.setdefault(message.task_id, []).append(message)
    return CustomerRecord(
        exported_at=now(),
        customer=customer,
        requests=requests,
        activities=[ActivityView.of(a, names.get(a.id, ())) for a in activities],
        tags=tags,
        comments=comments,
        chats=[ChatTranscript(task=task, messages=messages.get(task.id, [])) for task in tasks],
        changes=list(_changes_about(customer.id, requests, activity_ids).order_by(Change.id)),
    )


def erase(agent, customer_id):
    """Remove the customer's personal data and free texts; keep the rows for statistics."""
    require_admin(agent)
    customer = get_or_404(Customer, customer_id, "customer")
    at = now()
    by = agent.id if agent is not None else OPERATOR
    with unit_of_work() as outbox:
        request_ids = [
            r.id for r in Request.select(Request.id).where(Request.customer == customer.id)
        ]
        activity_ids = [
            a.id for a in Activity.select(Activity.id).where(Activity.customer == customer.id)
        ]
        task_ids = [t.id for t in Task.select(Task.id).where(Task.activity.in_(activity_ids))]
        Customer.update(
            name="",
            name_key="",
            email=None,
            phone=None,
            phone_raw=None,
            chat=None,
            fields={},
            updated_at=at,
            version=Customer.version + 1,
        ).where(Customer.id == customer.id).execute()
        Request.update(title="", description="", version=Request.version + 1).where(
            Request.customer == customer.id
        ).execute()
        Activity.update(
            subject="", identity_value=None, properties={}, version=Activity.version + 1
        ).where(Activity.customer == customer.id).execute()
        comments = Comment.update(body="").where(Comment.activity.in_(activity_ids)).execute()
        Task.update(identity_value=None, subject="", body="", customer_token=None).where(
            Task.id.in_(task_ids)
        ).execute()
        messages = TaskMessage.update(body="").where(TaskMessage.task.in_(task_ids)).execute()
        changes = (
            Change.update(data={})
            .where(Change.id.in_(_changes_about(customer.id, request_ids, activity_ids, Change.id)))
            .execute()
        )
        # Search no longer finds the person by name, address or number (C12's words).
        CustomerWord.delete().where(CustomerWord.customer == customer.id).execute()
        # Agents' Open and Recent lists forget the person.
        WorkspaceEntry.delete().where(WorkspaceEntry.customer == customer.id).execute()
        result = Erasure(
            customer_id=customer.id,
            erased_at=at,
            requests=len(request_ids),
            activities=len(activity_ids),
            comments=comments,
            chat_messages=messages,
            changes=changes,
        )
        record_change(
            by,
            "customer",
            customer.id,
            "erased",
            customer_id=customer.id,
            data={"erased": result.counts()},
        )
        outbox.changed("customer", Customer.get_by_id(customer.id), by)
    return result


def _changes_about(customer_id, requests, activity_ids, *columns):
    """The change-log rows about the customer, its requests and its activities."""
    request_ids = [r if isinstance(r, int) else r.id for r in requests]
    about = (Change.customer == customer_id) | (
        (Change.kind == "request") & Change.record_id.in_(request_ids)
    )
    about |= (Change.kind == "activity") & Change.record_id.in_(activity_ids)
    return Change.select(*columns).where(about)
