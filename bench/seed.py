"""Seed a contact centre's worth of customers into the configured database, fast.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench python bench/seed.py --customers 1000000
    python bench/seed.py --customers 10000 --database sqlite:////tmp/bench.sqlite3

Each customer gets about 10 activities (calls, emails, chats) over about 3 requests, spread
over the last two years, with tags and comments, and the journey's change rows exactly as the
services write them ("created" for the customer and each request, "started" for each
activity, "closed" for each request the auto-close would have closed). Phone numbers are typed
in each market's own ways and stored normalised by `server.services.identity`, as the service
stores them. One extra customer has 5 000 activities, for paging deep into a journey.

Rows go in chunk by chunk, each chunk one transaction, through the store's bulk path
(see `bench/store.py`); the rate is printed as it goes.
"""

import argparse
import datetime
import functools
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import people  # noqa: E402
import store  # noqa: E402

from server.models import database  # noqa: E402
from server.services import identity as ids  # noqa: E402
from server.services.activities import tag_key  # noqa: E402

DEEP_EMAIL = "deep.journey@bench.example"  # the customer with thousands of activities
AGENTS = [f"agent{number}" for number in range(1, 51)]
SPAN = datetime.timedelta(days=730)
AUTO_CLOSE_AFTER = datetime.timedelta(days=5)
MEDIA = (("call", 0.5), ("email", 0.3), ("chat", 0.2))

COLUMNS = {
    "customer": (
        "id",
        "name",
        "name_key",
        "email",
        "phone",
        "phone_raw",
        "chat",
        "fields",
        "known",
        "version",
        "created_at",
        "updated_at",
    ),
    "request": (
        "id",
        "customer_id",
        "title",
        "description",
        "status",
        "created_at",
        "updated_at",
        "closed_at",
        "last_activity_at",
        "version",
    ),
    "activity": (
        "id",
        "request_id",
        "customer_id",
        "medium",
        "source_id",
        "identity_kind",
        "identity_value",
        "subject",
        "properties",
        "agent_id",
        "started_at",
        "ended_at",
        "version",
    ),
    # The search words (C12) the service writes for every known customer.
    "customer_word": ("word", "customer_id"),
    "tag": ("id", "activity_id", "name", "key", "created_at"),
    "comment": ("id", "activity_id", "author_id", "body", "created_at"),
    "change": (
        "id",
        "at",
        "agent",
        "kind",
        "record_id",
        "action",
        "customer_id",
        "request_id",
        "activity_id",
        "journey",
        "data",
    ),
}


@functools.lru_cache(maxsize=4096)
def _json(items):
    return json.dumps(dict(items), ensure_ascii=False)


def as_json(**data):
    """A change's data as the JSON text the service stores (the few distinct ones cached)."""
    if "name" in data:
        return json.dumps(data, ensure_ascii=False)
    return _json(tuple(data.items()))


def stamp(moment):
    """A time as the service stores it: naive UTC, always with microseconds (they sort as text)."""
    if not moment.microsecond:
        moment = moment.replace(microsecond=1)
    return str(moment)


class Seeder:
    """Builds the rows of one customer after another and hands them to the loader in chunks."""

    def __init__(self, loader, next_ids, now, rng):
        self.loader = loader
        self.ids = dict(next_ids)
        self.now = now
        self.start = now - SPAN
        self.rng = rng
        self.rows = {table: [] for table in COLUMNS}

    def take(self, table):
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def flush(self):
        with database.atomic():
            for table in COLUMNS:
                self.loader.insert(table, COLUMNS[table], self.rows[table])
                self.rows[table] = []

    def change(
        self, at, agent, kind, record_id, action, customer_id, request_id, activity_id, data
    ):
        self.rows["change"].append(
            (
                self.take("change"),
                at,
                agent,
                kind,
                record_id,
                action,
                customer_id,
                request_id,
                activity_id,
                True,
                data,
            )
        )

    def customer(self, activities, requests, email=None, name=None):
        """One customer with its requests, activities, tags, comments and journey rows."""
        rng = self.rng
        customer_id = self.take("customer")
        market = people.ORDER[rng.randrange(4)]
        words = people.MARKETS[market]
        first, last = rng.choice(words["first"]), rng.choice(words["last"])
        name = name or f"{first} {last}"
        if email is None:
            email = (
                f"{people.ascii_fold(first)}.{people.ascii_fold(last)}.{customer_id}"
                f"@{rng.choice(words['domains'])}"
            )
        email = ids.normalise_email(email)
        phone_raw, _ = people.phone_as_typed(market, customer_id, rng.randrange(4))
        known = rng.random() > 0.02  # a few callers never became a customer record
        chat = f"{people.ascii_fold(first).lower()}-{customer_id}" if rng.random() < 0.3 else None
        company = rng.choice(words["companies"])
        fields = json.dumps({"company": company} if company else {}, ensure_ascii=False)
        created = self.start + datetime.timedelta(seconds=rng.random() * SPAN.total_seconds() * 0.5)
        agent = rng.choice(AGENTS)
        self.rows["customer"].append(
            (
                customer_id,
                name if known else "",
                ids.name_key(name) if known else "",
                email if known else None,
                ids.normalise_phone(phone_raw),
                phone_raw,
                chat if known else None,
                fields if known else "{}",
                known,
                1,
                stamp(created),
                stamp(created),
            )
        )
        if known:
            self.rows["customer_word"].extend(
                (word, customer_id)
                for word in ids.customer_words(name, email, ids.normalise_phone(phone_raw))
            )
            self.change(
                stamp(created),
                agent,
                "customer",
                customer_id,
                "created",
                customer_id,
                None,
                None,
                as_json(name=name),
            )

        # Activity times over the rest of the two years, in order; each request takes a run.
        seconds = (self.now - created).total_seconds()
        times = sorted(
            created + datetime.timedelta(seconds=rng.random() * seconds) for _ in range(activities)
        )
        cuts = (
            sorted(rng.sample(range(1, activities), min(requests, activities) - 1))
            if activities > 1 and requests > 1
            else []
        )
        bounds = [0, *cuts, activities]
        subjects = people.SUBJECTS[market]
        for first_index, end_index in zip(bounds, bounds[1:], strict=False):
            self.request(
                customer_id, market, subjects, email, phone_raw, chat, times[first_index:end_index]
            )
        return customer_id

    def request(self, customer_id, market, subjects, email, phone_raw, chat, times):
        rng = self.rng
        request_id = self.take("request")
        title = rng.choice(subjects)
        opened, last = times[0], times[-1]
        closed = last + AUTO_CLOSE_AFTER if last + AUTO_CLOSE_AFTER < self.now else None
        agent = rng.choice(AGENTS)
        self.rows["request"].append(
            (
                request_id,
                customer_id,
                title,
                "",
                "closed" if closed else "open",
                stamp(opened),
                stamp(closed or last),
                stamp(closed) if closed else None,
                stamp(last),
                1 + len(times) + (1 if closed else 0),
            )
        )
        self.change(
            stamp(opened),
            agent,
            "request",
            request_id,
            "created",
            customer_id,
            request_id,
            None,
            as_json(title=title),
        )
        for at in times:
            self.activity(customer_id, request_id, subjects, email, phone_raw, chat, at)
        if closed:
            self.change(
                stamp(closed),
                None,
                "request",
                request_id,
                "closed",
                customer_id,
                request_id,
                None,
                as_json(reason="auto"),
            )

    def activity(self, customer_id, request_id, subjects, email, phone_raw, chat, at):
        rng = self.rng
        activity_id = self.take("activity")
        roll = rng.random()
        medium = "call" if roll < 0.5 else "email" if roll < 0.8 or not chat else "chat"
        kind, value = {
            "call": ("phone", phone_raw),
            "email": ("email", email),
            "chat": ("chat", chat),
        }[medium]
        subject = rng.choice(subjects) if medium == "email" else ""
        agent = rng.choice(AGENTS)
        started = stamp(at)
        ended = stamp(at + datetime.timedelta(seconds=60 + rng.random() * 1200))
        self.rows["activity"].append(
            (
                activity_id,
                request_id,
                customer_id,
                medium,
                f"seed-{activity_id}",
                kind,
                value,
                subject,
                "{}",
                agent,
                started,
                ended,
                1,
            )
        )
        self.change(
            started,
            agent,
            "activity",
            activity_id,
            "started",
            customer_id,
            request_id,
            activity_id,
            as_json(medium=medium, subject=subject),
        )
        roll = rng.random()
        if roll < 0.5:
            for name in rng.sample(people.TAGS, 1 if roll < 0.4 else 2):
                self.rows["tag"].append((self.take("tag"), activity_id, name, tag_key(name), ended))
        if rng.random() < 0.25:
            self.rows["comment"].append(
                (self.take("comment"), activity_id, agent, rng.choice(people.COMMENTS), ended)
            )


def ensure_agents():
    """The agents the seeded activities name (a Finesse agent row appears at first sign-in)."""
    from server.models import Agent

    known = {agent.id for agent in Agent.select(Agent.id).where(Agent.id.in_(AGENTS))}
    missing = [
        {"id": agent, "name": agent, "source": "finesse"} for agent in AGENTS if agent not in known
    ]
    if missing:
        Agent.insert_many(missing).execute()


def seed(customers, deep_activities=5000, chunk=2000, seed_value=42, now=None, quiet=False):
    """Seed `customers` customers (plus the deep-journey one) into the open database.

    Returns a summary: rows per table, seconds, rows per second.
    """
    now = now or datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    rng = random.Random(seed_value)
    began = time.perf_counter()
    ensure_agents()
    loader = store.Loader()
    loader.prepare()
    empty = not database.execute_sql('SELECT 1 FROM "customer" LIMIT 1').fetchone()
    indexes = store.secondary_indexes(list(COLUMNS)) if empty else []
    store.drop_indexes(indexes)
    first_ids = store.next_ids()
    seeder = Seeder(loader, first_ids, now, rng)
    from server.models import Customer

    if deep_activities and not Customer.select().where(Customer.email == DEEP_EMAIL).exists():
        seeder.customer(
            deep_activities, max(1, deep_activities // 10), email=DEEP_EMAIL, name="Deep Journey"
        )
        seeder.flush()
    done = 0
    while done < customers:
        batch = min(chunk, customers - done)
        for _ in range(batch):
            # 5..15 activities over 1..5 requests: about 10 and 3 per customer.
            seeder.customer(rng.randint(5, 15), rng.randint(1, 5))
        seeder.flush()
        done += batch
        if not quiet and (done % (chunk * 25) == 0 or done == customers):
            elapsed = time.perf_counter() - began
            print(
                f"seed: {done:>9,} customers  {loader.rows:>11,} rows  "
                f"{loader.rows / elapsed:>9,.0f} rows/s",
                flush=True,
            )
    loaded = time.perf_counter()
    build_began = time.perf_counter()
    store.build_indexes(indexes)
    index_seconds = time.perf_counter() - build_began
    store.after_load(first_ids)
    loader.finish()
    elapsed = time.perf_counter() - began
    counts = {
        table: seeder.ids[table] - first_ids[table] for table in COLUMNS if table in first_ids
    }
    summary = {
        "customers": customers,
        "rows": loader.rows,
        "tables": counts,
        "seconds": round(elapsed, 1),
        "load_seconds": round(loaded - began, 1),
        "index_seconds": round(index_seconds, 1),
        "rows_per_second": round(loader.rows / elapsed),
    }
    if not quiet:
        print(
            f"seed: {loader.rows:,} rows in {elapsed:,.1f} s ({summary['rows_per_second']:,} "
            f"rows/s; indexes built in {index_seconds:,.1f} s): "
            + ", ".join(f"{n:,} {table}" for table, n in counts.items()),
            flush=True,
        )
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument(
        "--database",
        default=os.environ.get("DATABASE_URL"),
        help="database URL (default: DATABASE_URL, else instance/bench/bench-<customers>.sqlite3)",
    )
    parser.add_argument(
        "--deep-activities",
        type=int,
        default=5000,
        help="activities of the one deep-journey customer",
    )
    parser.add_argument("--chunk", type=int, default=2000, help="customers per transaction")
    parser.add_argument("--seed", type=int, default=42, help="random seed")
    args = parser.parse_args(argv)
    url = args.database or store.default_sqlite_url(args.customers)
    print(
        f"seed: {args.customers:,} customers into {store.store_name(url)} ({url.split('@')[-1]})",
        flush=True,
    )
    store.open_and_migrate(url)
    try:
        seed(args.customers, args.deep_activities, args.chunk, args.seed)
    finally:
        database.close()


if __name__ == "__main__":
    main()
