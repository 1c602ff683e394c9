"""Auto-close sweep rate (D6): N overdue open requests, one sweep, requests closed per second.

    python bench/sweep.py                                   # 100 000 requests, SQLite
    DATABASE_URL=postgresql://user@host/scratch python bench/sweep.py --requests 100000

It runs the sweep's own code (`server.services.autoclose.close_stale`, the function the RQ
sweep job calls): guarded UPDATE … RETURNING batches, each committing its requests' journey
entries with it. Without DATABASE_URL it uses a fresh SQLite file in a temporary folder. With
DATABASE_URL, use a scratch database: the sweep closes every overdue request in it, so the
script refuses a database that has requests already unless given --force. The requests it
adds are deleted afterwards. Redis: REDIS_URL, or an embedded one.
"""

import argparse
import datetime
import json
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import store  # noqa: E402

from server import create_app  # noqa: E402
from server.clock import now  # noqa: E402
from server.embedded import start_embedded_redis  # noqa: E402
from server.models import Change, Customer, Request, database  # noqa: E402
from server.services import autoclose  # noqa: E402


def add_overdue(count, after_seconds):
    """One customer with `count` open requests whose last updates, a second apart, are all
    past the deadline (as a backlog after a long outage would be)."""
    due = now() - datetime.timedelta(seconds=after_seconds + 60)
    customer = Customer.create(name="Sweep benchmark")
    with database.atomic():
        for start in range(0, count, 1000):
            rows = []
            for n in range(start, min(count, start + 1000)):
                at = due - datetime.timedelta(seconds=n)
                rows.append(
                    {
                        "customer": customer.id,
                        "title": f"Overdue {n}",
                        "created_at": at,
                        "updated_at": at,
                        "last_activity_at": at,
                    }
                )
            Request.insert_many(rows).execute()
    return customer


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=autoclose.BATCH)
    parser.add_argument(
        "--force", action="store_true", help="run on a database that has requests already"
    )
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="cd-bench-sweep-")
    os.environ.setdefault("INSTANCE_PATH", scratch)
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{scratch}/sweep.sqlite3"
    redis_url, stop_redis = os.environ.get("REDIS_URL"), None
    if not redis_url:
        redis_url, stop_redis = start_embedded_redis(scratch)
    try:
        return sweep(args, url, redis_url)
    finally:
        if stop_redis:
            stop_redis()


def sweep(args, url, redis_url):
    """Fill, sweep and clean up; print the rate."""
    app = create_app({"ENV": "development", "DATABASE_URL": url, "REDIS_URL": redis_url})
    store.open_and_migrate(url).close()
    after = app.config["AUTO_CLOSE_AFTER"]
    with app.app_context(), database.connection_context():
        if Request.select().exists() and not args.force:
            sys.exit(
                "This database has requests: the sweep would close the overdue ones. "
                "Use a scratch database, or --force."
            )
        started = time.perf_counter()
        customer = add_overdue(args.requests, after)
        filled = time.perf_counter() - started
        started = time.perf_counter()
        closed = autoclose.close_stale(after, args.batch)
        seconds = time.perf_counter() - started
        entries = (
            Change.select()
            .where((Change.customer == customer.id) & (Change.action == "closed"))
            .count()
        )
        Change.delete().where(Change.customer == customer.id).execute()
        Customer.delete().where(Customer.id == customer.id).execute()  # its requests cascade
    result = {
        "bench": "sweep",
        "store": database.obj.__class__.__name__,
        "requests": args.requests,
        "batch": args.batch,
        "closed": closed,
        "journey_entries": entries,
        "seconds": round(seconds, 3),
        "per_second": round(closed / seconds) if seconds else None,
        "fill_seconds": round(filled, 3),
    }
    print(
        f"{result['store']}: closed {closed} overdue requests in {seconds:.2f} s "
        f"({result['per_second']}/s, batches of {args.batch}), "
        f"{entries} journey entries",
        file=sys.stderr,
    )
    print(json.dumps(result))
    return 0 if closed == args.requests == entries else 1


if __name__ == "__main__":
    sys.exit(main())
