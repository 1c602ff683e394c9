"""O2 / issue 13: `make scale-check`'s quick run in the suite: two gunicorn web processes and
two RQ workers on the suite's PostgreSQL and Redis, agents on both; every check must pass.

It needs PostgreSQL (the check is about one PostgreSQL shared by every process), so it runs in
the suite's PostgreSQL run (DATABASE_URL=postgresql://…) and is skipped on SQLite.
"""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

pytestmark = pytest.mark.slow

CHECKS = (
    "live events cross processes",
    "each auto-close runs once",
    "no task is offered twice",
    "no edit is lost",
    "no job failed",
    "graceful stop (SIGTERM)",
)


def test_O2_two_web_processes_and_two_workers_share_one_postgresql_and_one_redis(
    database_url, redis_url
):
    if not database_url.startswith("postgres"):
        pytest.skip("the scale check needs PostgreSQL: run the suite with DATABASE_URL")
    # The suite's database is migrated and, at the start of each test, empty: used as it is.
    command = [sys.executable, "deploy/scale_check.py", "--quick", "--no-reset"]
    command += ["--database", database_url, "--redis", redis_url]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    for check in CHECKS:
        assert f"PASS  {check}" in report, report
    assert 'contextdesk_offers_total{outcome="made"}' in report
