"""schemathesis over the whole OpenAPI document of a running service (O3).

Used by the bounded run in `make test` (tests/hardening/test_O3_fuzz.py) and the long one of
`make fuzz`. Every check is on; the counts come from schemathesis's own JSON report.
"""

import json
import os
import subprocess
import sys
from collections import Counter

BIN = os.path.dirname(sys.executable)
CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemathesis.toml")

# Signing out would end the token every other call uses: it is tested on its own
# (tests/api/test_sessions.py) and, as nobody, by the O5 sweep of every route.
EXCLUDED = ("end_session",)


def run(base_url, token, integration_key, report_dir, *, max_examples=None, max_time=None):
    """Run schemathesis; return (exit status, JSON report, statuses seen, printed output)."""
    command = [
        os.path.join(BIN, "schemathesis"),
        "--config-file",
        CONFIG,
        "run",
        f"{base_url}/api/v1/openapi.json",
        "--url",
        base_url,
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--header",
        f"Authorization: Bearer {token}",
        "--header",
        f"X-Integration-Key: {integration_key}",
        "--workers",
        "1",
        "--seed",
        "12",
        "--report",
        "json,ndjson",
        "--report-dir",
        str(report_dir),
        "--request-timeout",
        "20",
        "--no-color",
        "--continue-on-failure",
    ]
    for operation in EXCLUDED:
        command += ["--exclude-operation-id", operation]
    if max_examples:
        command += ["--max-examples", str(max_examples), "--generation-deterministic"]
    else:
        command += ["--generation-database", "none"]
    if max_time:
        command += ["--max-time", str(max_time)]
    # In the report folder: schemathesis keeps a cache in its working directory.
    done = subprocess.run(command, capture_output=True, text=True, cwd=str(report_dir))
    report, statuses = {}, Counter()
    for name in os.listdir(report_dir):
        path = os.path.join(str(report_dir), name)
        if name.endswith(".json"):
            with open(path) as file:
                report = json.load(file)
        elif name.endswith(".ndjson"):
            with open(path) as file:
                for line in file:
                    _count_statuses(json.loads(line), statuses)
    return done.returncode, report, statuses, done.stdout + done.stderr


def _count_statuses(event, statuses):
    """Every response's status in one event of the ndjson report."""
    if isinstance(event, dict):
        if isinstance(event.get("status_code"), int) and "elapsed" in event:
            statuses[event["status_code"]] += 1
        for value in event.values():
            _count_statuses(value, statuses)
    elif isinstance(event, list):
        for value in event:
            _count_statuses(value, statuses)


def summary(report, statuses):
    cases = report.get("test_cases", {})
    return (
        f"schemathesis: {cases.get('generated')} cases, "
        f"{cases.get('with_failures')} with failures ({cases.get('unique_failures')} unique), "
        f"{report.get('operations', {}).get('tested')} operations, "
        f"statuses {dict(sorted(statuses.items()))}"
    )
