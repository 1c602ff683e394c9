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
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ratios  # noqa: E402
import store  # noqa: E402

SEARCHES = (
    "search_phone",
    "search_phone_national",
    "search_email",
    "search_email_local",
    "search_email_domain",
    "search_name",
    "search_name_first_last",
    "search_name_surname_first",
)
PATHS = (
    "journey_first",
    "journey_deep",
    *SEARCHES,
    "screen_pop",
    "screen_pop_write",
    "tag_add",
    "request_edit",
)


def requests_for(name, client, headers, rng, deep_id, samples, queries):
    """The (method, path, json) of one operation of `name`, drawn afresh each call."""
    from urllib.parse import quote

    from server.models import Activity, Request

    index = rng.randrange(len(samples))
    row = samples[index]
    if name == "journey_first":
        return [("GET", f"/api/v1/customers/{row.id}/journey", None)]
    if name == "journey_deep":
        cursor = rng.choice(journey_cursors(client, headers, deep_id))
        query = f"?cursor={cursor}" if cursor else ""
        return [("GET", f"/api/v1/customers/{deep_id}/journey{query}", None)]
    if name in SEARCHES:
        # The forms bench/ratios.py sends (C12), for the same customer.
        return [("GET", "/api/v1/customers?q=" + quote(queries[name][index], safe=""), None)]
    if name in ("screen_pop", "screen_pop_write"):
        source = f"profile-{time.time_ns()}"
        return [
            (
                "POST",
                "/api/v1/interactions",
                {
                    "medium": "call",
                    "source_id": source,
                    # As the caller ID shows it, typed differently from the stored number.
                    "identity": {"phone": f"00{row.phone[1:3]} {row.phone[3:]}"},
                    "state": "answered",
                },
            ),
            ("GET", f"/api/v1/customers/{row.id}/journey", None),
        ][: 1 if name == "screen_pop_write" else 2]
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


def _standard_profilers():
    """cProfile and pstats, which import the standard `profile`: this file's folder (first on
    sys.path when run as a script) would hand them this file instead."""
    here = os.path.dirname(os.path.abspath(__file__))
    saved = sys.path[:]
    sys.path[:] = [path for path in sys.path if os.path.abspath(path or ".") != here]
    try:
        import cProfile
        import pstats
    finally:
        sys.path[:] = saved
    return cProfile, pstats


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", choices=PATHS)
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL"), required=False)
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL"),
        help="default: an embedded Redis of this run's own",
    )
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--html", help="also write pyinstrument's HTML page here")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="cProfile on CPU time instead of pyinstrument's wall-clock samples: on a busy "
        "machine the figure other processes' load does not blur",
    )
    parser.add_argument("--stats", help="with --cpu, also write cProfile's stats file here")
    args = parser.parse_args(argv)
    if not args.database:
        raise SystemExit("profile: give --database (or DATABASE_URL) of a seeded database")
    from pyinstrument import Profiler

    from server import create_app
    from server.embedded import start_embedded_redis
    from server.models import Agent

    data = ratios.fixtures(args.database, random.Random(3), size=600)
    folder = tempfile.mkdtemp(prefix="cd-profile-")
    stop_redis = None
    if not args.redis_url:
        args.redis_url, stop_redis = start_embedded_redis(os.path.join(folder, "redis"))
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
        headers = {"Authorization": f"Bearer {token}"}
        plans = [
            requests_for(
                args.path, client, headers, rng, data["deep_id"], data["rows"], data["queries"]
            )
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
    try:
        if args.cpu:
            cProfile, pstats = _standard_profilers()
            profiler = cProfile.Profile(time.process_time)
            profiler.runcall(replay, plans[half:])
            if args.stats:
                profiler.dump_stats(args.stats)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
            return
        profiler = Profiler(interval=0.0005)
        with profiler:
            replay(plans[half:])
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        if args.html:
            with open(args.html, "w") as page:
                page.write(profiler.output_html())
    finally:
        if stop_redis:
            stop_redis()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
