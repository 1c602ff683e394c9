"""Every form of search (C12) timed in-process, per query: the service and its store alone.

    python bench/search.py --database sqlite:////tmp/bench/bench-1m.sqlite3
    python bench/search.py --database postgresql://postgres@127.0.0.1:5432/bench_1m

`bench/run.py` times the same forms over HTTP with 20 agents; on a shared machine its
percentiles are mostly other processes' CPU. This calls `customers.search` directly for
`--queries` random customers per form (the queries `bench/ratios.py` sends) and prints, per
form, wall and CPU p50 / p99 in ms, statements per search and customers found. Each form
runs twice and the second pass is reported: the first warms the store's cache.
"""

import argparse
import logging
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ratios  # noqa: E402


class _Counter(logging.Handler):
    def __init__(self):
        super().__init__()
        self.count = 0

    def emit(self, record):
        self.count += 1


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def measure(url, queries=300, seed=3):
    from flask import Flask

    from server.models import database
    from server.services import customers

    data = ratios.fixtures(url, random.Random(seed), size=queries)
    app = Flask("bench-search")
    app.config["DEFAULT_REGION"] = os.environ.get("DEFAULT_REGION", "NL")
    counter = _Counter()
    logger = logging.getLogger("peewee")
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    results = {}
    database.connect(reuse_if_open=True)
    try:
        with app.app_context():
            for form, texts in data["queries"].items():
                for _ in range(2):  # the first pass warms the cache; the second is reported
                    wall, cpu, found = [], [], []
                    counter.count = 0
                    for text in texts:
                        began, began_cpu = time.perf_counter(), time.process_time()
                        page = customers.search(text)
                        wall.append((time.perf_counter() - began) * 1000)
                        cpu.append((time.process_time() - began_cpu) * 1000)
                        found.append(len(page.items))
                results[form] = {
                    "queries": len(texts),
                    "wall_p50_ms": percentile(wall, 0.5),
                    "wall_p99_ms": percentile(wall, 0.99),
                    "cpu_p50_ms": percentile(cpu, 0.5),
                    "cpu_p99_ms": percentile(cpu, 0.99),
                    "statements": counter.count / max(1, len(texts)),
                    "found": sum(found) / max(1, len(found)),
                }
    finally:
        logger.removeHandler(counter)
        database.close()
    return data["customers"], results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--queries", type=int, default=300, help="customers searched per form")
    args = parser.parse_args(argv)
    customers, results = measure(args.database, args.queries)
    store_name = "sqlite" if args.database.startswith("sqlite") else "postgresql"
    print(f"{store_name}, {customers:,} customers, {args.queries} queries per form")
    print("| form | wall p50 / p99 ms | CPU p50 / p99 ms | statements | found |")
    print("|---|---:|---:|---:|---:|")
    for form, row in results.items():
        print(
            f"| {form} | {row['wall_p50_ms']:.2f} / {row['wall_p99_ms']:.2f} | "
            f"{row['cpu_p50_ms']:.2f} / {row['cpu_p99_ms']:.2f} | {row['statements']:.1f} | "
            f"{row['found']:.1f} |"
        )
    return results


if __name__ == "__main__":
    main()
