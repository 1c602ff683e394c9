"""The query plan of every statement the API makes, on a seeded database.

    python bench/explain.py --database sqlite:////tmp/bench/bench-1000000.sqlite3

Calls every endpoint of the API once in-process (the Flask test client), records each SQL
statement the service sends (peewee logs them), and asks the store for its plan:
`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on PostgreSQL. A plan that reads a whole table
(`SCAN <table>` without an index, `Seq Scan`) is planned again as if the table were large
(see `plan_for_a_large_table`); if it still reads the whole table it is flagged, and
`--check` exits 1.
Writes the plans as Markdown (for the README) with `--markdown`.
"""

import argparse
import json
import logging
import os
import re
import sqlite3
import sys
import time
from urllib.parse import quote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import store  # noqa: E402
from seed import DEEP_EMAIL  # noqa: E402

from server.models import database  # noqa: E402


class Statements(logging.Handler):
    """Collects (sql, params) from peewee's query log, with the endpoint that sent them."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.endpoint = None
        self.seen = {}

    def emit(self, record):
        if self.endpoint is None:
            return
        sql, params = record.msg
        if not sql.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE")):
            return
        shape = re.sub(r"\s+", " ", sql)
        if shape not in self.seen:
            self.seen[shape] = {"sql": sql, "params": params, "endpoints": []}
        if self.endpoint not in self.seen[shape]["endpoints"]:
            self.seen[shape]["endpoints"].append(self.endpoint)


def operations(customer, deep_id, journey_cursor, name_cursor):
    """Every endpoint, with ids from one seeded customer: (label, method, path, body).

    A body may be a function: it is called just before the request (to read a version),
    outside the recording.
    """
    from server.models import Activity, Request

    activity = Activity.select().where(Activity.customer == customer.id).first()
    request = Request.get_by_id(activity.request_id)
    other = (
        Request.select()
        .where((Request.customer == customer.id) & (Request.id != request.id))
        .first()
        or request
    )
    stamp = time.time_ns()
    source = f"explain-{stamp}"
    import phonenumbers

    from server.services.identity import fold

    email_prefix = customer.email[: customer.email.index("@") + 2]
    local, domain = customer.email.split("@")
    name = customer.name_key[:4]
    words = fold(customer.name_key).split()
    first_last = quote(f"{words[0]} {words[-1][:2]}")  # as an agent types "sanne ja"
    surname_first = quote(f"{words[-1]} {words[0]}")
    national = quote(
        phonenumbers.format_number(
            phonenumbers.parse(customer.phone, None), phonenumbers.PhoneNumberFormat.NATIONAL
        )
    )
    call = {
        "medium": "call",
        "source_id": source,
        "identity": {"phone": customer.phone_raw},
        "state": "answered",
    }
    return [
        (
            "POST /session",
            "POST",
            "/session",
            {"local": {"username": "bench-explain", "password": "explain-password"}},
        ),
        ("POST /interactions", "POST", "/interactions", call),
        ("POST /interactions (repeated)", "POST", "/interactions", call),
        (
            "POST /interactions (unknown caller)",
            "POST",
            "/interactions",
            dict(call, source_id=source + "u", identity={"phone": f"+3197{stamp % 10**8:08d}"}),
        ),
        ("POST /interactions/{id}/end", "POST", f"/interactions/{source}/end", None),
        ("GET /workspace", "GET", "/workspace", None),
        ("POST /workspace/close", "POST", "/workspace/close", {"customer_id": str(customer.id)}),
        ("POST /workspace/open", "POST", "/workspace/open", {"customer_id": str(customer.id)}),
        ("GET /customers?q=phone", "GET", f"/customers?q={quote(customer.phone)}", None),
        ("GET /customers?q=national phone", "GET", f"/customers?q={national}", None),
        ("GET /customers?q=email", "GET", f"/customers?q={quote(customer.email)}", None),
        ("GET /customers?q=email prefix", "GET", f"/customers?q={email_prefix}", None),
        ("GET /customers?q=local part", "GET", f"/customers?q={quote(local)}", None),
        ("GET /customers?q=domain", "GET", f"/customers?q={quote(domain)}", None),
        ("GET /customers?q=name", "GET", f"/customers?q={name}", None),
        ("GET /customers?q=surname", "GET", f"/customers?q={quote(words[-1])}", None),
        ("GET /customers?q=first+last", "GET", f"/customers?q={first_last}", None),
        ("GET /customers?q=surname+first", "GET", f"/customers?q={surname_first}", None),
        ("GET /customers?q=", "GET", "/customers?q=", None),
        ("GET /customers?q=name&cursor", "GET", f"/customers?q={name}&cursor={name_cursor}", None),
        ("GET /customers/{id}", "GET", f"/customers/{customer.id}", None),
        (
            "PATCH /customers/{id}",
            "PATCH",
            f"/customers/{customer.id}",
            lambda: {"version": customer_version(customer.id), "fields": {"explained": "yes"}},
        ),
        ("GET /customers/{id}/journey", "GET", f"/customers/{deep_id}/journey", None),
        (
            "GET /customers/{id}/journey?cursor",
            "GET",
            f"/customers/{deep_id}/journey?cursor={journey_cursor}",
            None,
        ),
        (
            "GET /customers/{id}/requests",
            "GET",
            f"/customers/{customer.id}/requests?status=open",
            None,
        ),
        (
            "POST /customers/{id}/requests",
            "POST",
            f"/customers/{customer.id}/requests",
            {"title": "Explained", "description": ""},
        ),
        (
            "POST /customers",
            "POST",
            "/customers",
            {
                "name": "Explain Plan",
                "email": f"explain.{stamp}@bench.example",
                "phone": f"+3197{(stamp + 1) % 10**8:08d}",
                "fields": {},
            },
        ),
        ("GET /requests/{id}", "GET", f"/requests/{request.id}", None),
        (
            "PATCH /requests/{id}",
            "PATCH",
            f"/requests/{request.id}",
            # "open": a closed request's title changes only in the edit that reopens it (C5).
            lambda: {
                "version": Request.get_by_id(request.id).version,
                "title": "Explained",
                "status": "open",
            },
        ),
        ("GET /activities/{id}", "GET", f"/activities/{activity.id}", None),
        (
            "PATCH /activities/{id}",
            "PATCH",
            f"/activities/{activity.id}",
            lambda: {"version": Activity.get_by_id(activity.id).version, "subject": "Explained"},
        ),
        (
            "POST /activities/{id}/tags",
            "POST",
            f"/activities/{activity.id}/tags",
            {"name": f"x{stamp}"},
        ),
        (
            "DELETE /activities/{id}/tags/{name}",
            "DELETE",
            f"/activities/{activity.id}/tags/x{stamp}",
            None,
        ),
        (
            "POST /activities/{id}/comments",
            "POST",
            f"/activities/{activity.id}/comments",
            {"body": "Explained."},
        ),
        ("GET /activities/{id}/comments", "GET", f"/activities/{activity.id}/comments", None),
        (
            "POST /activities/{id}/move",
            "POST",
            f"/activities/{activity.id}/move",
            lambda: {
                "request_id": str(other.id),
                "version": Activity.get_by_id(activity.id).version,
            },
        ),
        ("DELETE /session", "DELETE", "/session", None),
    ]


def customer_version(customer_id):
    from server.models import Customer

    return Customer.get_by_id(customer_id).version


def plan_of(sql, params):
    """The store's plan for one statement, as lines of text."""
    if store.is_postgres():
        rows = database.execute_sql("EXPLAIN " + sql, params).fetchall()
        return [row[0] for row in rows]
    rows = database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    return [row[-1] for row in rows]


def plan_for_a_large_table(sql, params):
    """The plan when reading a whole table is not the cheap way out.

    On a table of a few pages (the agents, an open list, a tiny test set) a full scan is the
    planner's right choice; this shows that an index would serve the statement all the same.
    PostgreSQL: with `enable_seqscan = off`. SQLite: on an empty copy of the schema, where
    the planner has no statistics and assumes every table is large.
    """
    if store.is_postgres():
        with database.atomic() as transaction:
            database.execute_sql("SET LOCAL enable_seqscan = off")
            plan = plan_of(sql, params)
            transaction.rollback()
        return plan
    schema = database.execute_sql(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
    )
    empty = sqlite3.connect(":memory:")
    try:
        empty.executescript(";\n".join(row[0] for row in schema.fetchall()))
        rows = empty.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    finally:
        empty.close()
    return [row[-1] for row in rows]


# A plan line that reads a whole table: SQLite's bare `SCAN <table>` (a `SCAN … USING INDEX`
# walks an index) and PostgreSQL's `Seq Scan`. Temporary B-trees for sorting are fine only
# on a handful of rows, which every query here has after its index lookup.
_FULL_SCAN = re.compile(r"^\s*(?:SCAN \w+\s*$|.*Seq Scan on)")


def full_scans(plan):
    return [line for line in plan if _FULL_SCAN.search(line)]


def explain(database_url, redis_url):
    """Run every endpoint, then explain each distinct statement; returns the list of them."""
    from server import create_app
    from server.models import Activity, Agent, Customer
    from server.services.sessions import create_local_agent

    app = create_app(
        {
            "ENV": "development",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": "bench-explain",
            "TESTING": True,
            "SESSION_RATE_LIMIT": "1000 per minute",
        }
    )
    client = app.test_client()
    with app.app_context():
        create_local_agent("bench-explain", "explain-password")
        agent = Agent.get_or_none(Agent.id == "agent1") or Agent.create(id="agent1", name="agent1")
        token, _ = app.extensions["sessions"].issue(agent)
        deep_id = Customer.get(Customer.email == DEEP_EMAIL).id
        # A seeded customer with activities (an earlier run may have added bare ones).
        customer = next(
            row
            for row in (
                Customer.select()
                .where(
                    (Customer.known == True)  # noqa: E712
                    & (Customer.id != deep_id)
                    & Customer.phone.is_null(False)
                    & Customer.email.is_null(False)
                )
                .order_by(Customer.id.desc())
                .limit(100)
            )
            if Activity.select().where(Activity.customer == row.id).exists()
        )
    headers = {"Authorization": f"Bearer {token}"}
    with app.app_context():
        journey_cursor = client.get(f"/api/v1/customers/{deep_id}/journey", headers=headers).json[
            "next"
        ]
        name_cursor = client.get(
            f"/api/v1/customers?q={customer.name_key[:4]}&limit=1", headers=headers
        ).json["next"]
        calls = operations(customer, deep_id, journey_cursor, name_cursor)
    statements = Statements()
    logger = logging.getLogger("peewee")
    logger.addHandler(statements)
    logger.setLevel(logging.DEBUG)
    try:
        with app.app_context():
            for label, method, path, body in calls:
                body = body() if callable(body) else body
                statements.endpoint = label
                response = client.open("/api/v1" + path, method=method, json=body, headers=headers)
                statements.endpoint = None
                if response.status_code >= 400:
                    raise SystemExit(
                        f"explain: {label} → {response.status_code}: "
                        f"{response.get_data(as_text=True)[:300]}"
                    )
    finally:
        logger.removeHandler(statements)
    results = []
    with app.app_context(), database.connection_context():
        for entry in statements.seen.values():
            plan = plan_of(entry["sql"], entry["params"])
            result = {
                "sql": entry["sql"],
                "endpoints": entry["endpoints"],
                "plan": plan,
                "full_scans": full_scans(plan),
            }
            if result["full_scans"]:
                result["plan_for_a_large_table"] = plan_for_a_large_table(
                    entry["sql"], entry["params"]
                )
                result["small_table_scans"] = result["full_scans"]
                result["full_scans"] = full_scans(result["plan_for_a_large_table"])
            results.append(result)
    return results


def markdown(results, title):
    lines = [f"#### {title}", ""]
    for entry in results:
        flag = " **FULL SCAN**" if entry["full_scans"] else ""
        lines += [
            f"- {', '.join(entry['endpoints'])}{flag}",
            "",
            "  ```sql",
            "  " + re.sub(r"\s+", " ", entry["sql"]),
            "  ```",
            "  ```",
        ]
        lines += ["  " + line for line in entry["plan"]]
        lines += ["  ```", ""]
        if entry.get("plan_for_a_large_table"):
            lines += [
                "  A small table, read whole by the planner's choice; as if it were large:",
                "  ```",
            ]
            lines += ["  " + line for line in entry["plan_for_a_large_table"]]
            lines += ["  ```", ""]
    return "\n".join(lines)


def statement_shape(sql):
    """A statement shortened for a table: no column lists, no quotes, no aliases."""
    sql = re.sub(r"\s+", " ", sql).replace('"', "")
    sql = re.sub(r"^SELECT .*? FROM", "SELECT … FROM", sql)
    sql = re.sub(r"\b(t\d|workspace_entry|activity|request|customer|tag|change)\.", "", sql)
    sql = re.sub(r"\(([^()]*)\) VALUES \(.*\)", "(…) VALUES (…)", sql)
    sql = re.sub(r"IN \((?:[?%s], )+[?%s]\)", "IN (…)", sql.replace("%s", "?"))
    sql = re.sub(r" RETURNING .*$", "", sql).replace("json(?)", "?")
    return sql.replace(" AS t1", "").replace(" AS t2", "").replace(" AS t3", "")


def plan_digest(entry):
    """What the plan reads: the index of each table lookup, in a few words."""
    plan = entry.get("plan_for_a_large_table") or entry["plan"]
    found = []
    for line in plan:
        line = line.strip().lstrip("|`-> ").strip()
        if line.startswith(("SEARCH", "SCAN", "MULTI-INDEX", "USE TEMP")):
            found.append(line)
        match = re.search(
            r"((?:Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)?"
            r"(?: using| on) \w+)",
            line,
        )
        if match:
            found.append(match.group(1))
    text = "; ".join(found) or "(no lookup)"
    return text + (" (small table read whole)" if entry.get("small_table_scans") else "")


def summary(paths):
    """One Markdown table of every statement with its plan on each store (from --json files)."""
    stores, by_shape = [], {}
    for path in paths:
        with open(path) as file:
            report = json.load(file)
        stores.append(report["store"])
        for entry in report["statements"]:
            row = by_shape.setdefault(
                statement_shape(entry["sql"]), {"endpoints": entry["endpoints"], "plans": {}}
            )
            row["plans"][report["store"]] = plan_digest(entry)
    lines = [
        "| statement | sent by | " + " | ".join(stores) + " |",
        "|---|---|" + "---|" * len(stores),
    ]
    inserts = 0
    for shape, row in by_shape.items():
        if shape.startswith("INSERT"):
            inserts += 1  # no lookup to plan
            continue
        cells = [row["plans"].get(store, "") for store in stores]
        sent_by = (
            f"every signed-in call ({len(row['endpoints'])})"
            if len(row["endpoints"]) > 12
            else ", ".join(row["endpoints"])
        )
        lines.append(f"| `{shape}` | {sent_by} | " + " | ".join(cells) + " |")
    lines.append(f"\n({inserts} INSERT statements, which look nothing up, are left out.)")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL"))
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
    )
    parser.add_argument("--markdown", help="write the plans as Markdown to this file")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if any statement reads a whole table"
    )
    parser.add_argument("--json", help="write the statements and plans as JSON to this file")
    parser.add_argument(
        "--summary",
        nargs="+",
        metavar="JSON",
        help="print one table of the plans in these --json files, and stop",
    )
    args = parser.parse_args(argv)
    if args.summary:
        print(summary(args.summary))
        return None
    if not args.database:
        raise SystemExit("explain: give --database (or DATABASE_URL) of a seeded database")
    results = explain(args.database, args.redis_url)
    scans = [entry for entry in results if entry["full_scans"]]
    for entry in results:
        mark = (
            "FULL SCAN"
            if entry["full_scans"]
            else "small   "
            if entry.get("small_table_scans")
            else "index   "
        )
        sql = re.sub(r"\s+", " ", entry["sql"])
        print(f"{mark}  {sql[:160]}")
        for line in entry["plan"]:
            print(f"            {line}")
        for line in entry.get("plan_for_a_large_table", []):
            print(f"  if large: {line}")
    print(f"explain: {len(results)} statements, {len(scans)} reading a whole table")
    if args.json:
        with open(args.json, "w") as out:
            json.dump(
                {"store": store.store_name(args.database), "statements": results},
                out,
                indent=1,
                default=str,
            )
    if args.markdown:
        with open(args.markdown, "w") as out:
            out.write(markdown(results, f"{store.store_name(args.database)}"))
    if args.check and scans:
        sys.exit(1)
    return results


if __name__ == "__main__":
    main()
