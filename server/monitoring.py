"""`/metrics` for Prometheus, and the request timing behind it (see server.metrics).

`/metrics` is served only to a scraper that sends `Authorization: Bearer <METRICS_TOKEN>`;
without a METRICS_TOKEN it is not served at all (404), so it is never public by accident.
"""

import hmac
import time

from flask import Blueprint, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

from server import metrics, timers
from server.errorhandlers import problem_response
from server.errors import Problem
from server.extensions import redis_client
from server.services import monitoring

bp = Blueprint("monitoring", __name__)

UNTIMED = {"/ws"}  # a socket's "request" lasts for hours; SOCKETS_OPEN measures those


def init_app(app):
    app.register_blueprint(bp)

    @app.before_request
    def start_timer():
        g.started_at = time.perf_counter()

    @app.after_request
    def observe(response):
        started = g.pop("started_at", None)
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        if started is not None and route not in UNTIMED:
            metrics.REQUEST_SECONDS.labels(request.method, route, response.status_code).observe(
                time.perf_counter() - started
            )
        return response


@bp.get("/metrics")
def exposition():
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        raise Problem(404, "Metrics are not served: METRICS_TOKEN is not set.")
    offered = request.headers.get("Authorization", "")
    if not hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
        response = problem_response(
            Problem(401, "Metrics need Authorization: Bearer <METRICS_TOKEN>.")
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    text = metrics.exposition(
        metrics.CountsCollector(redis_client()), metrics.GaugesCollector(_lengths)
    )
    return text, 200, {"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"}


def _lengths():
    """Queue lengths, now: RQ's timed work and the Care Desktop's tasks."""
    queue = timers.queue()
    yield (
        "jobs_queued",
        "RQ jobs waiting for a worker, by queue.",
        "queue",
        {queue.name: queue.count},
    )
    yield (
        "jobs_scheduled",
        "RQ jobs scheduled for later (offer time-outs, the next sweep), by queue.",
        "queue",
        {queue.name: ScheduledJobRegistry(queue=queue).count},
    )
    yield (
        "jobs_failed_kept",
        "RQ jobs in the failed registry (flask --app server failed-jobs), by queue.",
        "queue",
        {queue.name: FailedJobRegistry(queue=queue).count},
    )
    yield (
        "tasks",
        "Care Desktop tasks by status: waiting in the queue, on offer, being handled.",
        "status",
        monitoring.tasks_by_status(),
    )
