"""The benchmark scripts run end to end on a tiny data set (issue 6).

Nothing here is timed: the figures come from `make bench` and the full runs. These tests
make sure the seed writes what the service reads, the benchmark drives the real server
through every scenario without an error, and every query the API makes has an index.
"""

import glob
import json
import os
import subprocess
import sys

import pytest

from server.models import Activity, Change, Customer, Request, Tag, database

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")

pytestmark = pytest.mark.slow


def script(name, *args, timeout=240):
    """Run bench/<name>.py with the test's Python; fail with its output if it fails."""
    result = subprocess.run(
        [sys.executable, os.path.join(BENCH, f"{name}.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"{name}.py failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture
def seeded(database_url):
    """Thirty customers (plus one with a deep journey of 60 activities) in the test store."""
    out = script(
        "seed",
        "--customers",
        "30",
        "--deep-activities",
        "60",
        "--chunk",
        "7",
        "--database",
        database_url,
    )
    return database_url, out


def test_seed_writes_customers_with_their_journey(seeded, db):
    _, out = seeded
    assert "rows/s" in out
    assert Customer.select().count() == 31
    deep = Customer.get(Customer.email == "deep.journey@bench.example")
    assert Activity.select().where(Activity.customer == deep.id).count() == 60
    others = Activity.select().where(Activity.customer != deep.id).count()
    assert 30 * 5 <= others <= 30 * 15  # 5..15 activities each
    assert Request.select().where(Request.customer != deep.id).count() >= 30
    assert Tag.select().count() > 0
    # Every activity starts a journey entry, as the service writes them.
    started = Change.select().where((Change.action == "started") & (Change.journey == True))  # noqa: E712
    assert started.count() == Activity.select().count()
    # Phones are stored normalised (E.164) and kept as typed for display.
    customer = Customer.select().where(Customer.known == True).order_by(Customer.id.desc()).first()  # noqa: E712
    assert customer.phone.startswith("+") and customer.phone_raw


def test_seed_adds_to_a_database_that_has_rows(seeded, db):
    database_url, _ = seeded
    script("seed", "--customers", "5", "--deep-activities", "60", "--database", database_url)
    assert Customer.select().count() == 36  # the deep customer is not seeded twice
    ids = [row.id for row in Customer.select(Customer.id)]
    assert len(ids) == len(set(ids))


def test_run_drives_every_scenario_over_http_without_errors(seeded, redis_url, tmp_path):
    database_url, _ = seeded
    database.close()
    out = script(
        "run",
        "--database",
        database_url,
        "--redis-url",
        redis_url,
        "--agents",
        "3",
        "--duration",
        "0.4",
        "--warmup",
        "0.1",
        "--think",
        "0.01",
        "--workers",
        "1",
        "--threads",
        "4",
        "--out",
        str(tmp_path),
    )
    for name in (
        "healthz",
        "search_phone",
        "search_email",
        "search_name",
        "journey_deep",
        "screen_pop",
        "tag_add",
        "request_edit",
    ):
        assert name in out
    assert "p95 ms" in out
    [path] = glob.glob(str(tmp_path / "*.json"))
    with open(path) as file:
        report = json.load(file)
    assert report["store"] == ("sqlite" if database_url.startswith("sqlite") else "postgresql")
    assert report["customers"] >= 31 and report["commit"] and report["machine"]["cpus"]
    for name, result in report["scenarios"].items():
        for phase in ("paced", "flat_out"):
            assert result[phase]["requests"] > 0, (name, phase)
            assert result[phase]["errors"] == 0, (name, phase, result[phase].get("first_error"))
    assert report["deep_journey_pages"] > 1
    assert set(report["targets"]) >= {"screen_pop", "journey_deep", "tag_add"}


def test_every_query_the_api_makes_uses_an_index(seeded, redis_url):
    database_url, _ = seeded
    database.close()
    out = script("explain", "--database", database_url, "--redis-url", redis_url, "--check")
    assert "0 reading a whole table" in out


def test_concurrent_screen_pops_for_one_customer_all_succeed(app, sign_in):
    """Found by the benchmark: on SQLite a unit of work that read first, then wrote, failed
    with 'database is locked' (500) when another agent's write committed in between."""
    import threading

    import requests

    agents = [sign_in(f"agent{number}") for number in (1, 2, 3)]
    url = app.live_server.url + "/api/v1/interactions"
    statuses = []

    def screen_pops(agent, number):
        for attempt in range(6):
            response = requests.post(
                url,
                timeout=30,
                headers={"Authorization": f"Bearer {agent.token}"},
                json={
                    "medium": "call",
                    "source_id": f"race-{number}-{attempt}",
                    "identity": {"phone": "+31 20 123 4567"},
                    "state": "answered",
                },
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=screen_pops, args=(agents[n % 3], n)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * 48


def test_C12_every_search_form_reads_the_word_index_then_customers_by_id(db):
    """Each form of search is a range or point lookup of `customer_word`, then the page's
    customers by id: nothing reads the customer table by name or email (growth runs found
    `name OR email` walking a whole index at 1 M)."""
    import logging

    from server.services import customers

    customers.create_customer("a1", {"name": "Élodie Moreau", "email": "em@example.fr"})
    customers.create_customer("a1", {"name": "Sanne Jansen", "phone": "+31 20 555 0101"})
    sent = []

    class Recorder(logging.Handler):
        def emit(self, record):
            sent.append(record.msg[0])

    logger = logging.getLogger("peewee")
    recorder = Recorder()
    logger.addHandler(recorder)
    logger.setLevel(logging.DEBUG)
    try:
        for text in ("moreau el", "ozturk", "example.fr", "em@ex", "020 555 0101", "0205550101"):
            sent.clear()
            customers.search(text)
            assert 'FROM "customer_word"' in sent[0], (text, sent)
            for sql in sent[1:]:
                assert 'FROM "customer_word"' in sql or '"id" IN' in sql, (text, sql)
    finally:
        logger.removeHandler(recorder)


def test_C12_bench_search_times_every_form(seeded):
    database_url, _ = seeded
    database.close()
    out = script("search", "--database", database_url, "--queries", "5")
    for form in ("search_phone_national", "search_email_domain", "search_name_surname_first"):
        assert f"| {form} |" in out


def test_ratios_table_reads_wrk_output_and_judges_each_target():
    """bench/ratios.py's arithmetic (the wrk run itself is not part of the tests)."""
    sys.path.insert(0, BENCH)
    import ratios

    out = (
        "  Latency Distribution\n     50%    2.00ms\n     90%    5.00ms\n     99%   12.00ms\n"
        "  1000 requests in 1.00s, 1.00MB read\nRequests/sec:   1000.00\n"
    )
    parsed = ratios.parse_wrk(out)
    assert parsed["p50_ms"] == 2.0 and parsed["p99_ms"] == 12.0 and parsed["requests"] == 1000
    scenarios = {
        "healthz": {"loaded": dict(parsed, requests_per_s=1000.0)},
        "screen_pop_write": {"loaded": dict(parsed, requests_per_s=400.0)},
        "screen_pop": {"loaded": dict(parsed, requests_per_s=400.0)},
    }
    figures = ratios.ratios(scenarios)
    assert figures["screen_pop_write / healthz"] == 0.4
    assert figures["screen_pop / healthz"] == 0.2  # two requests per screen-pop
    assert figures["screen_pop_write p99 / p50"] == 6.0
