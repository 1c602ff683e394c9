"""Live-event delivery latency: 500 watching sockets, one record changed, p50/p99 to all 500.

    python bench/live.py                      # gthread, one process and two processes
    python bench/live.py --worker-class gevent --processes 2 --sockets 500 --rounds 20

It starts real gunicorn web processes (as `make run` does) on a fresh SQLite file and Redis
(REDIS_URL, or an embedded one), opens the sockets spread evenly over the processes, all
watching one request, then an agent changes that request's title through the API, round after
round. The latency of a delivery is from just before the PATCH is sent to the moment the
socket's `changed` event is read. One thread multiplexes every socket (wsproto over a selector),
so the clients add no thread switching of their own to what is measured.
"""

import argparse
import json
import os
import selectors
import socket
import statistics
import sys
import tempfile
import threading
import time

import redis
import requests
from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    CloseConnection,
    Ping,
    RejectConnection,
    Request,
    TextMessage,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import store  # noqa: E402

from server.embedded import start_embedded_redis  # noqa: E402
from server.services.records import events_channel  # noqa: E402
from tests.live.servers import ServerProcess  # noqa: E402


class Watcher:
    """One browser's socket, driven by the shared selector loop."""

    def __init__(self, server_url, token):
        host, port = server_url.rsplit("//", 1)[1].split(":")
        self.sock = socket.create_connection((host, int(port)))
        self.sock.setblocking(False)
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.sock.sendall(
            self.ws.send(
                Request(
                    host=f"{host}:{port}",
                    target=f"/ws?token={token}",
                    extra_headers=[(b"origin", server_url.encode())],
                )
            )
        )
        self.open = False
        self.watching = False
        self.text = ""
        self.received = {}  # version -> perf_counter() when its event was read

    def send(self, message):
        self.sock.sendall(self.ws.send(TextMessage(data=json.dumps(message))))

    def readable(self):
        data = self.sock.recv(65536)
        self.ws.receive_data(data or None)
        now = time.perf_counter()
        for event in self.ws.events():
            if isinstance(event, AcceptConnection):
                self.open = True
            elif isinstance(event, RejectConnection):
                raise RuntimeError(f"socket refused with {event.status_code}")
            elif isinstance(event, Ping):
                self.sock.sendall(self.ws.send(event.response()))
            elif isinstance(event, CloseConnection):
                raise RuntimeError("the server closed a socket during the benchmark")
            elif isinstance(event, TextMessage):
                self.text += event.data
                if event.message_finished:
                    self.handle(json.loads(self.text), now)
                    self.text = ""

    def handle(self, event, now):
        if event["type"] == "watching":
            self.watching = True
        elif event["type"] == "changed":
            self.received[event["version"]] = now


class Published:
    """When each version's event went through Redis, as a subscriber of the events channel
    sees it: the start of the fan-out to the sockets, without the API call before it."""

    def __init__(self, redis_url):
        self.client = redis.Redis.from_url(redis_url)
        self.pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(events_channel(self.client))
        self.at = {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.listen, daemon=True)
        self.thread.start()

    def listen(self):
        while not self.stopping.is_set():
            message = self.pubsub.get_message(timeout=0.2)
            now = time.perf_counter()
            if message is None:
                continue
            event = json.loads(message["data"])
            if event.get("type") == "changed":
                self.at[event["version"]] = now

    def close(self):
        self.stopping.set()
        self.thread.join()
        self.pubsub.close()
        self.client.close()


def pump(selector, until, timeout):
    """Read every socket until `until()` holds, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise TimeoutError("the sockets did not get what was expected in time")
        for key, _mask in selector.select(0.05):
            key.data.readable()


def sign_in(http, base_url, agent_id, password):
    response = http.post(
        f"{base_url}/api/v1/session",
        json={
            "finesse": {
                "id": agent_id,
                "authorization": requests.auth._basic_auth_str(agent_id, password),
            }
        },
    )
    response.raise_for_status()
    return response.json()["token"]


def measure(urls, sockets, rounds, published):
    """Open the sockets over the processes, change the request `rounds` times, time deliveries."""
    http = requests.Session()
    http.trust_env = False
    watcher_token = sign_in(http, urls[0], "agent1", "password1")
    writer = sign_in(http, urls[0], "agent3", "password3")
    http.headers["Authorization"] = f"Bearer {writer}"
    customer = http.post(f"{urls[0]}/api/v1/customers", json={"name": "Bench"}).json()
    request = http.post(
        f"{urls[0]}/api/v1/customers/{customer['id']}/requests", json={"title": "Live bench"}
    ).json()

    selector = selectors.DefaultSelector()
    watchers = []
    for number in range(sockets):
        watcher = Watcher(urls[number % len(urls)], watcher_token)
        selector.register(watcher.sock, selectors.EVENT_READ, watcher)
        watchers.append(watcher)
        if number % 50 == 49:  # let the handshakes through in batches, as browsers arrive
            pump(selector, lambda: all(w.open for w in watchers), 30)
    pump(selector, lambda: all(w.open for w in watchers), 30)
    for watcher in watchers:
        watcher.send({"type": "watch", "kind": "request", "id": request["id"]})
    pump(selector, lambda: all(w.watching for w in watchers), 30)

    latencies, spreads, api, fanout = [], [], [], []
    version = request["version"]
    for round_ in range(rounds):
        started = time.perf_counter()
        response = http.patch(
            f"{urls[round_ % len(urls)]}/api/v1/requests/{request['id']}",
            json={"version": version, "title": f"Round {round_}"},
        )
        response.raise_for_status()
        version = response.json()["version"]
        api.append(time.perf_counter() - started)
        # The Redis listener is a thread of its own: it may note the publication after the
        # sockets have the event, so wait for both.
        pump(
            selector,
            lambda v=version: v in published.at and all(v in w.received for w in watchers),
            30,
        )
        arrived = [w.received[version] - started for w in watchers]
        fanout += [w.received[version] - published.at[version] for w in watchers]
        latencies += arrived
        spreads.append(max(arrived))
        time.sleep(0.05)
    for watcher in watchers:
        selector.unregister(watcher.sock)
        watcher.sock.close()
    return latencies, spreads, api, fanout


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def run(processes, worker_class, sockets, rounds, redis_url):
    workdir = tempfile.mkdtemp(prefix="cd-live-bench-")
    env = {
        "ENV": "development",  # the mock Finesse
        "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
        "REDIS_URL": redis_url,
        "SECRET_KEY": "live-bench",
        "MOCK_FINESSE": "1",
        "INSTANCE_PATH": workdir,
        # Every benchmark socket is one agent's: lift the caps an agent has (issue 12).
        "LIVE_SOCKETS_PER_SESSION": str(sockets),
        "LIVE_SOCKETS_PER_AGENT": str(sockets),
        "LIVE_MAX_SOCKETS": str(sockets + 1),
    }
    store.open_and_migrate(env["DATABASE_URL"]).close()  # the service serves no pending one
    # Enough threads for every socket on a process plus the API calls (gthread holds one
    # thread per open socket); for gevent the same number is the connection limit.
    per_process = sockets // processes + 50
    servers = []
    try:
        for _ in range(processes):
            server = ServerProcess(env, worker_class=worker_class, threads=per_process)
            servers.append(server)
        for server in servers:
            server.wait_ready(60)
        published = Published(redis_url)
        latencies, spreads, api, fanout = measure(
            [s.url for s in servers], sockets, rounds, published
        )
        published.close()
    finally:
        for server in servers:
            server.stop()
    return {
        "worker_class": worker_class,
        "processes": processes,
        "sockets": sockets,
        "rounds": rounds,
        "deliveries": len(latencies),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "all_p50_ms": round(statistics.median(spreads) * 1000, 1),
        "all_p99_ms": round(percentile(spreads, 0.99) * 1000, 1),
        "patch_p50_ms": round(statistics.median(api) * 1000, 1),
        "fanout_p50_ms": round(statistics.median(fanout) * 1000, 1),
        "fanout_p99_ms": round(percentile(fanout, 0.99) * 1000, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--worker-class",
        nargs="+",
        default=["gthread"],
        help="gunicorn worker classes to compare (gthread, gevent)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON lines only")
    args = parser.parse_args()

    redis_url, stop_redis = os.environ.get("REDIS_URL"), None
    if not redis_url:
        redis_url, stop_redis = start_embedded_redis(tempfile.mkdtemp(prefix="cd-live-redis-"))
    try:
        if not args.json:
            print(
                f"{'worker':<8} {'procs':>5} {'sockets':>7} {'p50 ms':>7} {'p99 ms':>7} "
                f"{'max ms':>7} {'all p50':>8} {'all p99':>8} {'PATCH':>6} {'fan p50':>8} "
                f"{'fan p99':>8}"
            )
        for worker_class in args.worker_class:
            for processes in args.processes:
                result = run(processes, worker_class, args.sockets, args.rounds, redis_url)
                if args.json:
                    print(json.dumps(result), flush=True)
                else:
                    print(
                        f"{worker_class:<8} {processes:>5} {args.sockets:>7} "
                        f"{result['p50_ms']:>7} {result['p99_ms']:>7} {result['max_ms']:>7} "
                        f"{result['all_p50_ms']:>8} {result['all_p99_ms']:>8} "
                        f"{result['patch_p50_ms']:>6} {result['fanout_p50_ms']:>8} "
                        f"{result['fanout_p99_ms']:>8}",
                        flush=True,
                    )
    finally:
        if stop_redis:
            stop_redis()


if __name__ == "__main__":
    main()
