"""O3: schemathesis over the whole OpenAPI, every check, stateful: no 500, no schema lie.

Bounded here (a fixed seed, deterministic, a few examples per operation); `make fuzz` runs
it for as long as FUZZ_SECONDS says (FUZZ=long).
"""

import os

import pytest

from tests.hardening import fuzz

pytestmark = pytest.mark.slow

LONG = os.environ.get("FUZZ") == "long"
SECONDS = int(os.environ.get("FUZZ_SECONDS", "1800"))


@pytest.mark.timeout(SECONDS + 600 if LONG else 600)
def test_O3_schemathesis_finds_no_server_error_and_no_schema_violation(app, sign_in, tmp_path):
    agent = sign_in("agent1")
    status, report, statuses, output = fuzz.run(
        app.live_server.url,
        agent.token,
        app.config["INTEGRATION_KEY"],
        tmp_path,
        max_examples=None if LONG else int(os.environ.get("FUZZ_EXAMPLES", "5")),
        max_time=SECONDS if LONG else None,
    )
    print(fuzz.summary(report, statuses))
    assert status == 0, output[-6000:]
    assert report["test_cases"]["with_failures"] == 0
    assert 500 not in statuses and sum(statuses.values()) > 0
