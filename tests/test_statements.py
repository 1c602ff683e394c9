"""Statements written by peewee once and re-sent as SQL text (issue 14): each gives what its
peewee query gives, on either store, and peewee writes its SQL once per list length."""

import datetime

from server.models import Activity, Change, Customer, Request, database
from server.services.statements import Statement


def people():
    at = datetime.datetime(2026, 11, 29, 12, 0, 0, 123456)
    ann = Customer.create(name="Ann", email="ann@example.org", fields={"vip": "yes"})
    bob = Customer.create(name="Bob", email="bob@example.org", updated_at=at)
    return ann, bob, at


def test_a_statement_gives_the_rows_its_query_gives(db):
    ann, bob, _ = people()
    by_email = Statement(
        Customer,
        lambda slot: (
            Customer.select()
            .where(Customer.email.in_(slot("emails")))
            .order_by(Customer.id)
            .limit(slot("limit"))
        ),
    )
    expected = list(
        Customer.select()
        .where(Customer.email.in_(["ann@example.org", "bob@example.org"]))
        .order_by(Customer.id)
        .limit(5)
    )
    got = by_email.rows(emails=["ann@example.org", "bob@example.org"], limit=5)
    assert [c.__data__ for c in got] == [c.__data__ for c in expected]
    assert got[0].fields == {"vip": "yes"}  # JSON read back as the field reads it
    assert [c.id for c in by_email.rows(emails=["bob@example.org"], limit=5)] == [bob.id]
    assert by_email.rows(emails=["nobody@example.org"], limit=5) == []
    # Written once per list length: two lengths, two SQL texts, whatever the runs.
    by_email.rows(emails=["ann@example.org", "x@example.org"], limit=1)
    assert len(by_email.compiled) == 2


def test_a_statement_writes_json_and_times_as_the_model_does(db):
    ann, _, at = people()
    request = Request.create(customer=ann.id, title="Printer")
    insert = Statement(
        Change,
        lambda slot: Change.insert(
            at=slot("at", Change.at),
            kind="activity",
            record_id=slot("record_id", Change.record_id),
            action="started",
            customer=slot("customer", Change.customer),
            request_id=slot("request_id", Change.request_id),
            journey=slot("journey", Change.journey),
            data=slot("data", Change.data),
        ).returning(Change.id),
    )
    data = {"medium": "call", "subject": "Élodie's «printer»", "n": [1, 2]}
    new_id = insert.execute(
        at=at, record_id=7, customer=ann, request_id=request.id, journey=True, data=data
    ).fetchone()[0]
    row = Change.get_by_id(new_id)
    assert (row.at, row.record_id, row.customer_id, row.journey, row.data) == (
        at,
        7,
        ann.id,
        True,
        data,
    )
    # The same row through peewee's own insert reads back the same.
    other = Change.create(
        at=at, kind="activity", record_id=7, action="started", customer=ann.id,
        request_id=request.id, journey=True, data=data,
    )  # fmt: skip
    stored = [
        database.execute_sql(f'SELECT "at", "data" FROM "change" WHERE "id" = {row_id}').fetchone()
        for row_id in (new_id, other.id)
    ]
    assert stored[0] == stored[1]
    assert Activity.select().count() == 0
