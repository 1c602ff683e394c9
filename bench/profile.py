"""Profile one API path in-process with pyinstrument, on a seeded database.

    python bench/profile.py journey_deep --database sqlite:////tmp/bench/bench-1m.sqlite3

The requests go through the whole Flask stack (auth, schemas, services, the store) via the
test client, without the network or gunicorn, so the profile shows where the service itself
spends a request. The text profile is printed; `--html` also writes pyinstrument's page.
"""

import argparse
import logging
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import store  # noqa: E402
from seed import DEEP_EMAIL  # noqa: E402

PATHS = (
    "journey_first",
    "journey_deep",
    "search_phone",
    "search_email",
    "search_name",
    "screen_pop",
    "tag_add",
    "request_edit",
)


def requests_for(name, client, headers, rng, deep_id, samples):
    """The (method, path, json) of one operation of `name`, drawn afresh each call."""
    from server.models import Activity, Request

    row = rng.choice(samples)
    if name == "journey_first":
        return [("GET", f"/api/v1/customers/{row.id}/journey", None)]
    if name == "journey_deep":
        cursor = rng.choice(journey_cursors(client, headers, deep_id))
        query = f"?cursor={cursor}" if cursor else ""
        return [("GET", f"/api/v1/customers/{deep_id}/journey{query}", None)]
    if name == "search_phone":
        return [("GET", f"/api/v1/customers?q={row.phone}", None)]
    if name == "search_email":
        return [("GET", f"/api/v1/customers?q={row.email[: row.email.index('@') + 2]}", None)]
    if name == "search_name":
        return [("GET", f"/api/v1/customers?q={row.name_key[:6]}", None)]
    if name == "screen_pop":
        source = f"profile-{time.time_ns()}"
        return [
            (
                "POST",
                "/api/v1/interactions",
                {
                    "medium": "call",
                    "source_id": source,
                    "identity": {"phone": row.phone},
                    "state": "answered",
                },
            ),
            ("GET", f"/api/v1/customers/{row.id}/journey", None),
        ]
    if name == "tag_add":
        activity = Activity.select(Activity.id).where(Activity.customer == row.id).first()
        return [("POST", f"/api/v1/activities/{activity.id}/tags", {"name": f"p{time.time_ns()}"})]
    if name == "request_edit":
        request = Request.select().where(Request.customer == row.id).first()
        return [
            (
                "PATCH",
                f"/api/v1/requests/{request.id}",
                {"version": request.version, "title": f"Edit {time.time_ns()}"},
            )
        ]
    raise SystemExit(f"unknown path {name}; one of {', '.join(PATHS)}")


_cursors = {}


class _Counter(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        self.count += 1


def count_statements():
    """Count the SQL statements peewee sends from now on (it logs each one at DEBUG)."""
    counter = _Counter()
    logger = logging.getLogger("peewee")
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    return counter


def journey_cursors(client, headers, customer_id):
    if customer_id not in _cursors:
        cursors = [None]
        while True:
            query = f"?cursor={cursors[-1]}" if cursors[-1] else ""
            body = client.get(
                f"/api/v1/customers/{customer_id}/journey{query}", headers=headers
            ).get_json()
            if not body["next"]:
                break
            cursors.append(body["next"])
        _cursors[customer_id] = cursors
    return _cursors[customer_id]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", choices=PATHS)
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL"), required=False)
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
    )
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--html", help="also write pyinstrument's HTML page here")
    args = parser.parse_args(argv)
    if not args.database:
        raise SystemExit("profile: give --database (or DATABASE_URL) of a seeded database")
    from pyinstrument import Profiler

    from server import create_app
    from server.models import Agent, Customer

    app = create_app(
        {
            "ENV": "development",
            "DATABASE_URL": args.database,
            "REDIS_URL": args.redis_url,
            "SECRET_KEY": "bench-profile",
            "TESTING": True,
        }
    )
    client = app.test_client()
    rng = random.Random(3)
    with app.app_context():
        agent = Agent.get_or_none(Agent.id == "agent1") or Agent.create(id="agent1", name="agent1")
        token, _ = app.extensions["sessions"].issue(agent)
        deep_id = Customer.get(Customer.email == DEEP_EMAIL).id
        top = Customer.select(Customer.id).order_by(Customer.id.desc()).first().id
        samples = list(
            Customer.select(Customer.id, Customer.phone, Customer.email, Customer.name_key).where(
                Customer.id.in_(rng.sample(range(1, top + 1), min(top, 600)))
                & (Customer.known == True)  # noqa: E712
                & (Customer.id != deep_id)
            )
        )
        headers = {"Authorization": f"Bearer {token}"}
        plans = [
            requests_for(args.path, client, headers, rng, deep_id, samples)
            for _ in range(args.count)
        ]

    def replay(plans):
        for plan in plans:
            for method, path, body in plan:
                response = client.open(path, method=method, json=body, headers=headers)
                if response.status_code >= 400:
                    raise SystemExit(
                        f"{method} {path} → {response.status_code}: "
                        f"{response.get_data(as_text=True)[:300]}"
                    )

    # First without the profiler (its sampling costs time too), then with it. The number of
    # statements per operation is the figure a busy machine cannot blur.
    half = len(plans) // 2
    statements = count_statements()
    began, cpu = time.perf_counter(), time.process_time()
    replay(plans[:half])
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    logging.getLogger("peewee").removeHandler(statements)
    print(
        f"profile: {args.path}: {half} operations, {elapsed / half * 1000:.2f} ms each "
        f"({cpu / half * 1000:.2f} ms CPU, {statements.count / half:.1f} SQL statements) "
        f"on {store.store_name(args.database)}"
    )
    profiler = Profiler(interval=0.0005)
    with profiler:
        replay(plans[half:])
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        with open(args.html, "w") as page:
            page.write(profiler.output_html())


if __name__ == "__main__":
    main()
