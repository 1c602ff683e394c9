"""bench/live.py keeps working: a small run on real processes reports every delivery."""

import json
import os
import subprocess
import sys

import pytest

from tests.live.servers import ROOT

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("processes", [1, 2])
def test_bench_live_delivers_every_change_to_every_socket(redis_url, processes):
    result = subprocess.run(
        [
            sys.executable,
            os.path.join(ROOT, "bench", "live.py"),
            "--sockets",
            "20",
            "--rounds",
            "3",
            "--processes",
            str(processes),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "REDIS_URL": redis_url},
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["processes"] == processes and report["deliveries"] == 20 * 3
    assert 0 < report["fanout_p50_ms"] <= report["fanout_p99_ms"]
    assert report["p50_ms"] <= report["p99_ms"] <= report["max_ms"]
