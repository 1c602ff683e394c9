"""O6: a database made by the first migration, filled, then upgraded to the newest schema,
has lost nothing: on SQLite always, and on PostgreSQL when the tests run there.

Each migration has a step here: what to put in the database once that migration has run
(in that schema's own terms, as raw SQL), and what must be true at the newest schema. A new
migration without a step fails `test_every_migration_has_an_upgrade_step`; adding one means
adding its `fill` and `check` below.
"""

import json
import os
from urllib.parse import urlsplit, urlunsplit

import peewee as pw
import pytest
from playhouse.migrations import Runner

from server.extensions import MIGRATIONS
from server.models import MODELS, Agent, Change, Customer, Request


def fill_0001(db):
    """The first schema: an agent, a customer, a request, an activity, a tag, a comment,
    a workspace entry and the change log."""
    sql = db.execute_sql
    sql(
        "INSERT INTO agent (id, name, source, locale, created_at) "
        "VALUES ('agent1', 'Agent One', 'finesse', 'nl', '2025-01-02 03:04:05')"
    )
    sql(
        "INSERT INTO customer (name, name_key, email, phone, phone_raw, chat, fields, known, "
        "version, created_at, updated_at) VALUES ('Sanne de Vries', 'sanne de vries', "
        "'sanne@example.nl', '+31201234567', '020 123 4567', NULL, '{\"note\": \"VIP\"}', "
        "TRUE, 3, '2025-01-02 03:04:05', '2025-01-03 03:04:05')"
    )
    sql(
        "INSERT INTO request (customer_id, title, description, status, created_at, updated_at, "
        "closed_at, last_activity_at, version) VALUES (1, 'Printer jams', 'Since Monday', "
        "'closed', '2025-01-02 03:04:05', '2025-01-03 03:04:05', '2025-01-03 03:04:05', "
        "'2025-01-03 03:04:05', 2)"
    )
    sql(
        "INSERT INTO activity (request_id, customer_id, medium, source_id, identity_kind, "
        "identity_value, subject, properties, agent_id, started_at, ended_at, version) VALUES "
        "(1, 1, 'call', 'dialog-1', 'phone', '+31201234567', 'Printer', '{\"queue\": \"sales\"}', "
        "'agent1', '2025-01-02 03:04:05', '2025-01-02 03:14:05', 4)"
    )
    sql(
        "INSERT INTO tag (activity_id, name, key, created_at) "
        "VALUES (1, 'Billing', 'billing', '2025-01-02 03:05:05')"
    )
    sql(
        "INSERT INTO comment (activity_id, author_id, body, created_at) "
        "VALUES (1, 'agent1', 'Called back', '2025-01-02 03:06:05')"
    )
    sql(
        "INSERT INTO workspace_entry (agent_id, customer_id, activity_id, status, updated_at) "
        "VALUES ('agent1', 1, 1, 'recent', '2025-01-02 03:14:05')"
    )
    sql(
        "INSERT INTO change (at, agent, kind, record_id, action, customer_id, request_id, "
        "activity_id, journey, data) VALUES ('2025-01-02 03:04:05', 'agent1', 'activity', 1, "
        "'started', 1, 1, 1, TRUE, '{\"medium\": \"call\"}')"
    )


def check_0001(db):
    customer = Customer.get_by_id(1)
    assert (customer.name, customer.email, customer.phone_raw) == (
        "Sanne de Vries",
        "sanne@example.nl",
        "020 123 4567",
    )
    assert customer.fields == {"note": "VIP"} and customer.known and customer.version == 3
    request = Request.get_by_id(1)
    assert (request.title, request.status, request.version) == ("Printer jams", "closed", 2)
    assert str(request.closed_at).startswith("2025-01-03 03:04:05")
    rows = {
        "activity": "SELECT source_id, identity_value, properties, agent_id, version FROM activity",
        "tag": "SELECT name, key FROM tag",
        "comment": "SELECT author_id, body FROM comment",
        "workspace_entry": "SELECT agent_id, customer_id, activity_id, status FROM workspace_entry",
    }
    found = {table: list(db.execute_sql(query).fetchall()) for table, query in rows.items()}
    activity = found["activity"][0]
    assert activity[0:2] == ("dialog-1", "+31201234567") and activity[3:] == ("agent1", 4)
    properties = json.loads(activity[2]) if isinstance(activity[2], str) else activity[2]
    assert properties == {"queue": "sales"}
    assert found["tag"] == [("Billing", "billing")]
    assert found["comment"] == [("agent1", "Called back")]
    assert found["workspace_entry"] == [("agent1", 1, 1, "recent")]
    [change] = Change.select()
    assert (change.action, change.journey, change.data) == ("started", True, {"medium": "call"})


def fill_0002(db):
    """Care Desktop tasks: a task handled by agent1, its chat messages, agent1's state."""
    sql = db.execute_sql
    sql(
        "INSERT INTO task (medium, identity_kind, identity_value, subject, body, status, "
        "agent_id, offer_number, accepted_at, activity_id, created_at, queued_at, "
        "customer_token, version) VALUES ('chat', 'chat', 'visitor-7', 'Parcel', 'Where is it?', "
        "'active', 'agent1', 2, '2025-01-04 10:00:00', 1, '2025-01-04 09:59:00', "
        "'2025-01-04 09:59:00', 'ab12', 5)"
    )
    sql(
        "INSERT INTO agent_state (agent_id, state, reason, changed_at, task_id) "
        "VALUES ('agent1', 'ready', NULL, '2025-01-04 09:00:00', 1)"
    )
    sql(
        "INSERT INTO task_message (task_id, sender, agent_id, body, created_at) VALUES "
        "(1, 'customer', NULL, 'Hello?', '2025-01-04 09:59:30'), "
        "(1, 'agent', 'agent1', 'Hi!', '2025-01-04 10:00:10')"
    )


def check_0002(db):
    task = db.execute_sql(
        "SELECT medium, identity_value, status, agent_id, offer_number, activity_id, "
        "customer_token, version FROM task"
    ).fetchall()
    assert task == [("chat", "visitor-7", "active", "agent1", 2, 1, "ab12", 5)]
    state = db.execute_sql("SELECT agent_id, state, task_id FROM agent_state").fetchall()
    assert state == [("agent1", "ready", 1)]
    messages = db.execute_sql("SELECT sender, body FROM task_message ORDER BY id").fetchall()
    assert messages == [("customer", "Hello?"), ("agent", "Hi!")]


def check_0003(db):
    """The customer there was before search words is found by them."""
    words = {w for (w,) in db.execute_sql("SELECT word FROM customer_word WHERE customer_id = 1")}
    assert {"sanne", "vries"} <= words, words


def check_0004(db):
    """Agents there were stay enabled; tasks there were have no contact name; no keys yet."""
    agent = Agent.get_by_id("agent1")
    assert agent.disabled_at is None
    names = db.execute_sql("SELECT contact_name FROM task").fetchall()
    assert names == [("",)]
    assert db.execute_sql("SELECT COUNT(*) FROM integration_key").fetchone() == (0,)


def check_0005(db):
    """Every agent there was stays an ordinary agent; the role can be given."""
    agent = Agent.get_by_id("agent1")
    assert (agent.name, agent.locale, agent.role) == ("Agent One", "nl", "agent")


def check_0006(db):
    """The chat there was is still in conversation: its visitor has not left."""
    left = db.execute_sql("SELECT status, customer_left_at FROM task").fetchall()
    assert left == [("active", None)]


def fill_0007(db):
    """Sessions in the database: agent1 signed in (none is carried over from Redis)."""
    assert db.execute_sql("SELECT COUNT(*) FROM agent_session").fetchall() == [(0,)]
    db.execute_sql(
        "INSERT INTO agent_session (id, agent_id, created_at, expires_at, ended_at) VALUES "
        "('s3ss10n-hash', 'agent1', '2025-01-05 08:00:00', '2025-01-05 16:00:00', NULL)"
    )


def check_0007(db):
    """The session made in 0007's schema is still agent1's, with its expiry."""
    rows = db.execute_sql("SELECT id, agent_id, expires_at, ended_at FROM agent_session")
    [(session_id, agent_id, expires_at, ended_at)] = rows.fetchall()
    assert (session_id, agent_id, ended_at) == ("s3ss10n-hash", "agent1", None)
    assert str(expires_at).startswith("2025-01-05 16:00:00")


# (migration, what to add once it has run, what must hold at the newest schema)
STEPS = [
    ("0001_initial", fill_0001, check_0001),
    ("0002_tasks", fill_0002, check_0002),
    ("0003_search_words", None, check_0003),
    ("0004_desk_accounts", None, check_0004),
    ("0005_agent_role", None, check_0005),
    ("0006_chat_left", None, check_0006),
    ("0007_sessions", fill_0007, check_0007),
]


def migration_names():
    return sorted(
        name[:-3] for name in os.listdir(MIGRATIONS) if name[:4].isdigit() and name.endswith(".py")
    )


def test_every_migration_has_an_upgrade_step():
    assert [name for name, _, _ in STEPS] == migration_names()


@pytest.fixture(params=["sqlite", "postgresql"])
def old_database(request, tmp_path, database_url):
    """An empty database of the test's own: a SQLite file, or on PostgreSQL a database beside
    the suite's (the suite's schema is already migrated; peewee's introspection, which the
    migrations use, reads the `public` schema only, so a database rather than a schema)."""
    if request.param == "sqlite":
        db = pw.SqliteDatabase(str(tmp_path / "old.sqlite3"), pragmas={"foreign_keys": 1})
        yield db
        db.close()
        return
    if not database_url.startswith("postgres"):
        pytest.skip("PostgreSQL: the tests run on SQLite (set DATABASE_URL=postgresql://…)")
    from playhouse.db_url import connect

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/") + "_upgrade"
    server = connect(urlunsplit(parts._replace(path="/postgres")))
    server.connect()
    server.connection().autocommit = True  # CREATE / DROP DATABASE refuse a transaction
    server.execute_sql(f'DROP DATABASE IF EXISTS "{name}"')
    server.execute_sql(f'CREATE DATABASE "{name}"')
    db = connect(urlunsplit(parts._replace(path="/" + name)))
    try:
        yield db
    finally:
        db.close()
        server.execute_sql(f'DROP DATABASE IF EXISTS "{name}"')
        server.close()


def test_O6_the_first_schema_filled_then_upgraded_to_the_newest_loses_nothing(old_database):
    db = old_database
    runner = Runner(db, directory=MIGRATIONS)
    runner.up(target=STEPS[0][0])  # the first schema only
    assert [m.name for m in runner.status() if m.applied] == [STEPS[0][0]]
    for name, fill, _ in STEPS:
        runner.up(target=name)
        if fill is not None:
            with db.atomic():
                fill(db)
    assert [m.name for m in runner.status() if not m.applied] == []
    with db.bind_ctx(MODELS):  # the newest models read the upgraded database
        for _, _, check in STEPS:
            check(db)
