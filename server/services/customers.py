"""Customers: finding them by identity (C1), creating and editing them (C7), search (C9)."""

from server.clock import now
from server.errors import Conflict
from server.models import Activity, Customer, Request
from server.services import identity as ids
from server.services.paging import Page, decode_cursor, encode_cursor
from server.services.records import get_or_404, record_change, unit_of_work, update_versioned

IDENTITY_COLUMNS = {"phone": Customer.phone, "email": Customer.email, "chat": Customer.chat}


def find_by_identity(kind, key):
    """The customer with exactly this normalised identity: a known one first, then the newest.

    Never a guess: no partial or fuzzy match, so an unknown caller is never attached to
    somebody else's record.
    """
    if not kind or not key:
        return None
    return (
        Customer.select()
        .where(IDENTITY_COLUMNS[kind] == key)
        .order_by(Customer.known.desc(), Customer.updated_at.desc(), Customer.id.desc())
        .first()
    )


def create_unknown(kind, key, raw):
    """A placeholder for an identity with no customer record yet (C1: an unknown customer)."""
    values = {"known": False}
    if kind == "phone":
        values.update(phone=key, phone_raw=raw)
    elif kind:
        values[kind] = key
    return Customer.create(**values)


def _identity_values(data):
    values = {}
    if "name" in data:
        values["name"] = data["name"].strip()
        values["name_key"] = ids.name_key(data["name"])
    if "email" in data:
        values["email"] = ids.normalise_email(data["email"])
    if "phone" in data:
        values["phone"] = ids.normalise_phone(data["phone"])
        values["phone_raw"] = (data["phone"] or "").strip() or None
    if "chat" in data:
        values["chat"] = ids.normalise_chat(data["chat"])
    if "fields" in data:
        values["fields"] = data["fields"]
    return values


def create_customer(agent_id, data, activity_id=None):
    """Create a customer (C7); with `activity_id`, the unknown identity of that activity becomes it.

    The unknown placeholder's requests and activities belong to the new customer from then on.
    """
    values = _identity_values(data)
    with unit_of_work() as outbox:
        if activity_id is None:
            customer = Customer.create(known=True, **values)
        else:
            activity = get_or_404(Activity, activity_id)
            placeholder = activity.customer
            if placeholder.known:
                raise Conflict(
                    "This activity already belongs to a customer.",
                    type_="/problems/customer-exists",
                )
            for column in ("phone", "email", "chat"):
                # Keep the identity the interaction came from unless the agent typed another.
                if values.get(column) is None and getattr(placeholder, column):
                    values.pop(column, None)
            customer = update_versioned(
                Customer,
                placeholder.id,
                placeholder.version,
                known=True,
                updated_at=now(),
                **values,
            )
        record_change(
            agent_id,
            "customer",
            customer.id,
            "created",
            customer_id=customer.id,
            journey=True,
            data={"name": customer.name},
        )
        outbox.changed("customer", customer, agent_id)
    return customer


def update_customer(agent_id, customer_id, version, data):
    """Save an agent's edit of a customer if nobody changed it since it was loaded (C3, C7)."""
    values = _identity_values(data)
    with unit_of_work() as outbox:
        customer = update_versioned(Customer, int(customer_id), version, updated_at=now(), **values)
        record_change(
            agent_id,
            "customer",
            customer.id,
            "updated",
            customer_id=customer.id,
            data={"fields": sorted(data), "version": customer.version},
        )
        outbox.changed("customer", customer, agent_id)
    return customer


def get_customer(customer_id):
    return get_or_404(Customer, customer_id)


def search(text, cursor=None, limit=20):
    """Known customers whose name or email starts with `text`, or whose phone is `text` (C9).

    Ordered by name then id and paged by a cursor on that pair, so every page is an index
    range scan however many customers there are.
    """
    text = (text or "").strip()
    query = Customer.select().where(Customer.known == True)  # noqa: E712 (SQL, not Python)
    if text:
        if ids.looks_like_phone(text):
            condition = Customer.phone == ids.normalise_phone(text)
        elif "@" in text:
            condition = _prefix(Customer.email, ids.normalise_email(text))
        else:
            key = ids.name_key(text)
            condition = _prefix(Customer.name_key, key)
            if " " not in key:
                # No email address holds a space, so "sanne ja" looks at names alone: then
                # the name range is the index condition and the index order the result's,
                # where with the OR PostgreSQL walked the whole name index (10 s at 1 M).
                condition |= _prefix(Customer.email, key)
        query = query.where(condition)
    after = decode_cursor(cursor)
    if after:
        key, last_id = after
        query = query.where(
            (Customer.name_key > key) | ((Customer.name_key == key) & (Customer.id > last_id))
        )
    rows = list(query.order_by(Customer.name_key, Customer.id).limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor([rows[-1].name_key, rows[-1].id]) if more else None)


def _prefix(column, text):
    """`column` starts with `text`, as a range so that SQLite and PostgreSQL both use the index."""
    return (column >= text) & (column < text + "\U0010ffff")


def open_requests(customer_id, status=None):
    """The customer's requests, newest update first; `status` narrows them."""
    customer = get_or_404(Customer, customer_id)
    query = Request.select().where(Request.customer == customer.id)
    if status:
        query = query.where(Request.status == status)
    return list(query.order_by(Request.updated_at.desc(), Request.id.desc()).limit(100))


def any_exist():
    """Whether the database has any customer at all (the demo data goes only into an empty one)."""
    return Customer.select().exists()
