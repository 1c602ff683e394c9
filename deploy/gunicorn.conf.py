"""Gunicorn settings for Context Desk's web processes: `gunicorn -c deploy/gunicorn.conf.py`.

Every value can be changed by the environment named beside it, so systemd units and
compose services share this one file. Why each is what it is: docs/operations.md.
"""

import os
import shutil
import signal
import tempfile
import threading

wsgi_app = "server.wsgi:app"  # the app, its settings and migrations checked (O4)

bind = [
    os.environ.get(
        "BIND", f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
    )
]

# Threads, as measured (docs/live.md, "Server choice, measured"): every open WebSocket holds a
# thread for as long as it is open, so a process needs more threads than it serves agents.
# gunicorn's gthread worker, answering the requests gunicorn refuses itself (a request line
# or headers too long, a malformed request) as problem+json like every other error (O3).
worker_class = "server.web_worker.ThreadWorker"
threads = int(os.environ.get("WEB_THREADS", "600"))
workers = int(os.environ.get("WEB_WORKERS", "2"))
# No worker time-out: a socket's request lasts as long as the agent's shift. Liveness is
# /healthz, watched by the proxy, systemd or the orchestrator instead.
timeout = 0
# SIGTERM: stop accepting, finish the requests in flight, ask every socket to reconnect
# (close code 1012, see post_worker_init below), then exit; at most this many seconds.
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "30"))
keepalive = 5

# The proxy in front sets X-Forwarded-For/-Proto; trust it (gunicorn reads
# FORWARDED_ALLOW_IPS itself; the default trusts only 127.0.0.1).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The service logs each request itself, as JSON with its request id and route, and never
# the query string (the socket's ?token=): gunicorn's access log would print it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    # The app's own handler (server.logs) writes everything else, with the request id.
    "root": {"level": "WARNING", "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["console"], "propagate": False}
    },
}

# Prometheus' multiprocess mode: each worker process writes its metrics to files here and
# /metrics adds them up. The directory must be empty when the server starts.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="context-desk-metrics-"))


def on_starting(server):
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    """A worker process is gone: its open sockets no longer count (its counters stay)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """On SIGTERM, besides gunicorn's own graceful stop, ask every live socket to reconnect.

    A socket is a request that never ends on its own; without this it would hold the worker
    until graceful_timeout and then be cut. Closed with 1012 (service restart), the browser
    reconnects at once, through the proxy, to a process that still serves.
    """
    stop_serving = worker.handle_exit

    def handle_exit(sig, frame):
        stop_serving(sig, frame)
        live = getattr(worker.wsgi, "extensions", {}).get("live")
        if live is not None:  # a signal handler must return at once: a thread closes them
            threading.Thread(target=live.ask_all_to_reconnect, daemon=True).start()

    signal.signal(signal.SIGTERM, handle_exit)
