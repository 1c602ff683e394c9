"""Customers: finding them by identity (C1), creating and editing them (C7), search (C9, C12)."""

import functools
import operator

import peewee as pw

from server import labels
from server.clock import now
from server.errors import Conflict, IdentityTaken, Invalid
from server.inputs import MAX_INT, storable, text_problem
from server.models import Activity, Customer, CustomerWord, Request, database
from server.services import identity as ids
from server.services.paging import Page, decode_cursor, encode_cursor
from server.services.records import get_or_404, record_change, unit_of_work, update_versioned
from server.services.statements import Statement

IDENTITY_COLUMNS = {"phone": Customer.phone, "email": Customer.email, "chat": Customer.chat}
MATCHES_LIMIT = 20  # the most customers one shared identity lists as a choice (C12)
_TOP = "\U0010ffff"  # above every character: `prefix + _TOP` bounds a prefix range


def identity_candidates(kind, key, limit=MATCHES_LIMIT):
    """Every customer with exactly this normalised identity: known ones first, newest first.

    Never a guess: no partial or fuzzy match, so an unknown caller is never attached to
    somebody else's record. One indexed query, whether one or several customers share it.
    """
    if not kind or not key:
        return []
    return _IDENTITY_CANDIDATES[kind].rows(key=key, limit=limit)


def _identity_statement(column):
    return Statement(
        Customer,
        lambda slot: (
            Customer.select()
            .where(column == slot("key"))
            .order_by(Customer.known.desc(), Customer.updated_at.desc(), Customer.id.desc())
            .limit(slot("limit"))
        ),
    )


_IDENTITY_CANDIDATES = {
    kind: _identity_statement(column) for kind, column in IDENTITY_COLUMNS.items()
}


def find_by_identity(kind, key):
    """The customer an interaction with this identity goes to: a known one first, the newest."""
    found = identity_candidates(kind, key, 1)
    return found[0] if found else None


def shared_by(candidates):
    """The known customers among `candidates` when there are several: the agent's choice (C12)."""
    known = [customer for customer in candidates if customer.known]
    return known if len(known) > 1 else []


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


def _check_identity_free(values, customer_id=None):
    """Refuse an email or phone number that another known customer has (C12).

    The agent is shown who has it and asked: the request may say `confirm_shared` (a family
    sharing a landline, colleagues sharing a switchboard number), never silently.
    """
    conditions = [
        IDENTITY_COLUMNS[column] == values[column]
        for column in ("email", "phone")
        if values.get(column)
    ]
    if not conditions:
        return
    query = Customer.select().where(
        (Customer.known == True) & functools.reduce(operator.or_, conditions)  # noqa: E712
    )
    if customer_id is not None:
        query = query.where(Customer.id != customer_id)
    others = list(query.order_by(Customer.updated_at.desc(), Customer.id.desc()).limit(5))
    if others:
        taken = [
            column
            for column in ("email", "phone")
            if values.get(column) and any(getattr(o, column) == values[column] for o in others)
        ]
        raise IdentityTaken(taken, [_identity_summary(other) for other in others])


def _identity_summary(customer):
    return {
        "id": str(customer.id),
        "name": customer.name,
        "email": customer.email,
        "phone": customer.phone_raw or customer.phone,
    }


def _write_words(customer, replace=True):
    """The customer's search words (C12) as its name, email and phone are now."""
    if replace:
        CustomerWord.delete().where(CustomerWord.customer == customer.id).execute()
    if not customer.known:
        return
    words = ids.customer_words(customer.name, customer.email, customer.phone)
    if words:
        CustomerWord.insert_many(
            [(word, customer.id) for word in sorted(words)],
            fields=[CustomerWord.word, CustomerWord.customer],
        ).execute()


def reindex_words(customer_ids):
    """Write the search words of these customers again (customers inserted in bulk)."""
    with unit_of_work():
        for customer in Customer.select().where(Customer.id.in_(list(customer_ids))):
            _write_words(customer)


def create_customer(agent_id, data, activity_id=None, confirm_shared=False):
    """Create a customer (C7); with `activity_id`, the unknown identity of that activity becomes it.

    The unknown placeholder's requests and activities belong to the new customer from then on.
    An email or phone another customer has is refused unless `confirm_shared` (C12).
    """
    values = _identity_values(data)
    with unit_of_work() as outbox:
        if not confirm_shared:
            _check_identity_free(values)
        if activity_id is None:
            customer = Customer.create(known=True, **values)
            _write_words(customer, replace=False)
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
            _write_words(customer)
        _require_identity(customer)
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


def update_customer(agent_id, customer_id, version, data, confirm_shared=False):
    """Save an agent's edit of a customer if nobody changed it since it was loaded (C3, C7).

    A new email or phone that another customer has is refused unless `confirm_shared` (C12);
    keeping the one the customer already shares is no new question.
    """
    values = _identity_values(data)
    with unit_of_work() as outbox:
        before = get_or_404(Customer, customer_id)
        if not confirm_shared and (values.get("email") or values.get("phone")):
            _check_identity_free(
                {
                    column: values.get(column)
                    for column in ("email", "phone")
                    if values.get(column) != getattr(before, column)
                },
                before.id,
            )
        customer = update_versioned(Customer, before.id, version, updated_at=now(), **values)
        _require_identity(customer)
        if {"name", "email", "phone"} & set(values):
            _write_words(customer)
        edited = _edited(before, customer)
        record_change(
            agent_id,
            "customer",
            customer.id,
            "updated",
            customer_id=customer.id,
            # C13: an edit that changed something is a journey entry, naming what.
            journey=bool(edited),
            data={"fields": sorted(data), "edited": edited, "version": customer.version},
        )
        outbox.changed("customer", customer, agent_id)
        if edited:
            outbox.journey(customer.id, agent_id)
    return customer


def _edited(before, after):
    """The fields an edit changed: the identities, then each free field by its own key."""
    edited = [
        column
        for column in ("name", "email", "phone", "chat")
        if getattr(before, column) != getattr(after, column)
    ]
    old, new = before.fields or {}, after.fields or {}
    return edited + sorted(key for key in set(old) | set(new) if old.get(key) != new.get(key))


def _require_identity(customer):
    """C7, C8: a customer record with no name, email or phone is junk nobody can find again.

    Checked on the record as written, inside its transaction, so it also counts what a
    create for an interaction keeps from the caller and what an edit leaves; the raise
    rolls the write back.
    """
    if not any((value or "").strip() for value in (customer.name, customer.email, customer.phone)):
        raise Invalid({"name": [labels.no_identity()]}, detail=labels.no_identity())


def get_customer(customer_id):
    return get_or_404(Customer, customer_id)


def search(text, cursor=None, limit=20):
    """Known customers as agents look for them (C9, C12), a page at a time.

    - a phone number in any format: the exact number first (read with the agent's country),
      then the customers whose own national number it is (`identity.phone_search_keys`);
    - anything else: every word typed must start a word of the customer's name or email,
      accents, case and Turkish i aside ("elodie mor", "ozturk", "example.nl", "sanne@ex").

    Each page is an index range scan of `customer_word`, in word order, so an exact word
    (an exact address, a whole name) comes before the longer ones it starts; the cursor
    carries the last row's place. No text lists every known customer by name.
    """
    text = (text or "").strip()
    if text_problem(text):  # the widget's search box reaches here without a schema
        raise Invalid({"q": [text_problem(text)]})
    after = decode_cursor(cursor)
    if not text:
        return _all_known(_cursor_shape(after, str, int), limit)
    if ids.looks_like_phone(text):
        return _search_phone(
            ids.phone_search_keys(text), _cursor_shape(after, "p", int, int), limit
        )
    tokens = ids.search_tokens(text)
    if not tokens:
        return Page([], None)
    return _search_words(tokens, _cursor_shape(after, "w", str, int), limit)


def _cursor_shape(after, *shape):
    """The cursor's values when it has this shape (a tag, then types); a bad one is a 422."""
    if after is None:
        return None
    if isinstance(after, list) and len(after) == len(shape):
        values = []
        for value, expected in zip(after, shape, strict=True):
            if isinstance(expected, str):
                if value != expected:
                    break
            elif _fits(value, expected):
                values.append(value)
            else:
                break
        else:
            return values
    raise Invalid({"cursor": ["Not a cursor this service gave out."]})


def _fits(value, expected):
    """A cursor's value of the expected type that a query can take (O3): an int within 64
    bits (SQLite's OverflowError), a text with no NUL (PostgreSQL)."""
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_INT
    return isinstance(value, expected) and storable(value)


def _all_known(after, limit):
    query = Customer.select().where(Customer.known == True)  # noqa: E712 (SQL, not Python)
    if after:
        key, last_id = after
        query = query.where(
            (Customer.name_key > key) | ((Customer.name_key == key) & (Customer.id > last_id))
        )
    rows = list(query.order_by(Customer.name_key, Customer.id).limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor([rows[-1].name_key, rows[-1].id]) if more else None)


def _search_phone(keys, after, limit):
    """Exact phone words, one key after another, each in customer order; no customer twice."""
    found = []  # (rank, customer id)
    for rank, key in enumerate(keys):
        if after and rank < after[0]:
            continue
        resumed = bool(after) and rank == after[0]
        rows = _phone_statement(bool(rank), resumed).tuples(
            key=key,
            earlier=list(keys[:rank]),
            last_id=after[1] if resumed else None,
            limit=limit + 1 - len(found),
        )
        found += [(rank, customer_id) for (customer_id,) in rows]
        if len(found) > limit:
            break
    more = len(found) > limit
    found = found[:limit]
    customers = _customers_in_order([customer_id for _, customer_id in found])
    return Page(customers, encode_cursor(["p", *found[-1]]) if more else None)


@functools.cache
def _phone_statement(after_earlier_keys, resumed):
    """One phone key's customers, in customer order: those of an earlier key left out."""

    def build(slot):
        query = CustomerWord.select(CustomerWord.customer).where(CustomerWord.word == slot("key"))
        if after_earlier_keys:
            earlier = CustomerWord.alias("earlier")
            query = query.where(
                ~pw.fn.EXISTS(
                    earlier.select(pw.SQL("1")).where(
                        (earlier.customer == CustomerWord.customer)
                        & earlier.word.in_(slot("earlier"))
                    )
                )
            )
        if resumed:
            query = query.where(CustomerWord.customer > slot("last_id"))
        return query.order_by(CustomerWord.customer).limit(slot("limit"))

    return Statement(CustomerWord, build)


@functools.cache
def _words_statement(others, resumed):
    """The word search's statement for a driver and `others` more tokens (`_search_words`)."""

    def probe(query):
        # PostgreSQL's planner puts a word range at one row (its statistics cannot see a
        # prefix's share), so it turned an EXISTS into a hashed join over every customer with
        # the other word, then sorted: first name + surname took 4 s at 1 M customers
        # (bench/README.md). OFFSET 0 keeps each EXISTS a probe per row of the driver's range,
        # walked in index order up to the page ('sanne jansen': 40 ms -> 1.7 ms, same rows).
        # SQLite plans it so already.
        return query.offset(0) if isinstance(database.obj, pw.PostgresqlDatabase) else query

    def build(slot):
        word = CustomerWord
        query = word.select(word.word, word.customer).where(
            (word.word >= slot("driver")) & (word.word < slot("driver_end"))
        )
        earlier = word.alias("earlier")
        query = query.where(
            ~pw.fn.EXISTS(
                probe(
                    earlier.select(pw.SQL("1")).where(
                        (earlier.customer == word.customer)
                        & (earlier.word >= slot("driver"))
                        & (earlier.word < word.word)
                    )
                )
            )
        )
        for number in range(others):
            other = word.alias(f"other{number}")
            query = query.where(
                pw.fn.EXISTS(
                    probe(
                        other.select(pw.SQL("1")).where(
                            (other.customer == word.customer)
                            & (other.word >= slot(f"token{number}"))
                            & (other.word < slot(f"token{number}_end"))
                        )
                    )
                )
            )
        if resumed:
            query = query.where(
                (word.word > slot("last_word"))
                | ((word.word == slot("last_word")) & (word.customer > slot("last_id")))
            )
        return query.order_by(word.word, word.customer).limit(slot("limit"))

    return Statement(CustomerWord, build)


def _search_words(tokens, after, limit):
    """Customers with a word starting with each token, in the order of the longest token's words.

    The longest token drives the scan (the fewest rows); a customer is listed at the first of
    its words that token starts (NOT EXISTS an earlier one), so never twice; every other
    token is an EXISTS probe of the (customer, word) index.
    """
    driver = max(tokens, key=len)
    others = [t for t in tokens if t != driver]
    values = {"driver": driver, "driver_end": driver + _TOP, "limit": limit + 1}
    for number, token in enumerate(others):
        values[f"token{number}"], values[f"token{number}_end"] = token, token + _TOP
    if after:
        values["last_word"], values["last_id"] = after
    rows = _words_statement(len(others), bool(after)).tuples(**values)
    more = len(rows) > limit
    rows = rows[:limit]
    customers = _customers_in_order([customer_id for _, customer_id in rows])
    return Page(customers, encode_cursor(["w", *rows[-1]]) if more else None)


_CUSTOMERS_BY_ID = Statement(
    Customer, lambda slot: Customer.select().where(Customer.id.in_(slot("ids")))
)


def _customers_in_order(customer_ids):
    if not customer_ids:
        return []
    by_id = {c.id: c for c in _CUSTOMERS_BY_ID.rows(ids=list(customer_ids))}
    return [by_id[customer_id] for customer_id in customer_ids if customer_id in by_id]


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
