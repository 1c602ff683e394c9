"""Prometheus metrics: what each process measures, and what the whole service counts.

Two kinds, for two reasons:

- **Per process** (prometheus-client): request latency per route, open sockets, live events
  delivered to sockets. Under gunicorn, with `PROMETHEUS_MULTIPROC_DIR` set (see
  `deploy/gunicorn.conf.py`), every worker process writes its own file and `/metrics` adds
  them up, so a scrape sees the whole server, whichever process answers it.
- **Service-wide counts** (offers made / accepted / timed out, live events published,
  requests auto-closed, jobs failed): these happen in any web process or RQ work horse on any
  host, and a forked work horse per job would leave one multiprocess file per job. So they
  are counted in one Redis hash, in the same round trip that publishes the change's live
  events after its commit (`server.services.records.Outbox`), and `/metrics` reads them at
  scrape time. Every web process therefore reports the same totals: sum them over one
  instance, or take `max without (instance)`.

This module is a leaf: the services count through it without importing anything above them.
"""

import os

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import REGISTRY, CounterMetricFamily, GaugeMetricFamily

# In multiprocess mode every metric writes to a file in this directory from import on: a
# process started with the setting (a flask command, a worker) must not fail for want of it.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

PREFIX = "contextdesk"
COUNTS_KEY = "context-desk:metrics:counts"  # a Redis hash: "family:label" -> count

REQUEST_SECONDS = Histogram(
    f"{PREFIX}_http_request_duration_seconds",
    "Time to answer an HTTP request, per route (the URL rule, not the path).",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SOCKETS_OPEN = Gauge(
    f"{PREFIX}_live_sockets_open",
    "Live-event sockets (/ws) open now.",
    multiprocess_mode="livesum",  # the processes alive now, added up
)
EVENTS_DELIVERED = Counter(
    f"{PREFIX}_live_events_delivered",
    "Live events queued for a socket of this server (one per socket that gets it).",
    ["type"],
)

# Service-wide counts: family -> (help, label name or None)
COUNTED = {
    "offers": (
        "Offers of tasks to agents, by outcome (made, accepted, declined, timed_out).",
        "outcome",
    ),
    "live_events_published": ("Live events published after a commit, by type.", "type"),
    "requests_auto_closed": ("Requests closed automatically after going quiet (D6).", None),
    "jobs_failed": ("RQ job runs that failed (each retry counts), by job.", "job"),
}


def count_key(family, label=None):
    """The field of COUNTS_KEY that counts `family` (with its label value)."""
    if family not in COUNTED:
        raise KeyError(f"no service-wide count named {family!r}")
    return family if label is None else f"{family}:{label}"


def count(client, family, label=None, amount=1):
    """Add `amount` to a service-wide count now (outside a unit of work: a worker's failure)."""
    client.hincrby(COUNTS_KEY, count_key(family, label), amount)


def multiprocess_dir():
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR")


class CountsCollector:
    """The service-wide counts, read from Redis at scrape time."""

    def __init__(self, client):
        self.client = client

    def collect(self):
        raw = self.client.hgetall(COUNTS_KEY)
        families = {}
        for family, (help_text, label) in COUNTED.items():
            families[family] = CounterMetricFamily(
                f"{PREFIX}_{family}", help_text, labels=[label] if label else None
            )
        for field, value in sorted(raw.items()):
            family, _, label = field.decode().partition(":")
            if family not in families:
                continue  # a count this version no longer knows
            families[family].add_metric([label] if label else [], int(value))
        if not raw.get(b"requests_auto_closed"):
            families["requests_auto_closed"].add_metric([], 0)
        yield from families.values()


class GaugesCollector:
    """Lengths read at scrape time: `sample()` returns (name, help, {label: value} or value)."""

    def __init__(self, sample):
        self.sample = sample

    def collect(self):
        for name, help_text, label, values in self.sample():
            if label is None:
                yield GaugeMetricFamily(f"{PREFIX}_{name}", help_text, value=values)
                continue
            family = GaugeMetricFamily(f"{PREFIX}_{name}", help_text, labels=[label])
            for key, value in sorted(values.items()):
                family.add_metric([key], value)
            yield family


class _Together:
    """Several collectors exposed as one (what generate_latest takes)."""

    def __init__(self, *collectors):
        self.collectors = collectors

    def collect(self):
        for collector in self.collectors:
            yield from collector.collect()


def exposition(*collectors):
    """The text format of this server's metrics plus the given scrape-time collectors."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(_Together(registry, *collectors))


def process_exited(pid):
    """Gunicorn's child_exit: a dead process's sockets no longer count as open."""
    if multiprocess_dir():
        multiprocess.mark_process_dead(pid)
