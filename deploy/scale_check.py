"""`make scale-check`: Context Desk on two web processes and two RQ workers, one PostgreSQL and
one Redis, with agents driven on both web processes (O2, issue 13).

Starts, as production runs them (ENV=production, deploy/gunicorn.conf.py, `rq worker -w
server.jobs.Worker --with-scheduler`): web 1 and web 2 (gunicorn, each on its own port) and
worker 1 and worker 2, against the database given and a Redis of the check's own (or the one
given). Local desk agents sign in on both web processes, over HTTP and WebSocket, and:

- **live events cross processes**: every edit accepted on one process reaches the sockets
  watching the record on both, and every offer the service made reached its agent's socket,
  whichever process made it;
- **each auto-close runs once**: requests fall due while both workers sweep (and `flask
  close-stale` runs at the same moment): each closes once, with one journey entry;
- **no task is offered twice**: Ready agents on both processes take many tasks, some let an
  offer run out: every offer goes to one agent, a task is offered again only after its offer
  ran out, each is accepted once and none is lost;
- **no edit is lost**: editors on both processes save the same request at once, each with the
  version it read: every accepted edit is in the final text, in version order; every refused
  one got a 409 with the record as it is now.

It prints a report and a /metrics excerpt of each web process, and exits 1 when a check fails.
**The database and Redis are the check's own**: it drops and re-creates the database's
`public` schema (as `make test` does; `--no-reset` uses it as it is: migrated and empty) and
empties the Redis database. See docs/operations.md.
"""

import argparse
import collections
import concurrent.futures
import datetime
import itertools
import json
import os
import queue
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass

import requests
import simple_websocket

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)  # the virtualenv's gunicorn, rq and flask
sys.path.insert(0, ROOT)  # the service's own parts: its Redis binary, its accounts service
PUBLIC_URL = "https://scale-check.invalid"  # the proxy's address: the sockets' Origin
QUIET = 5.0  # seconds a socket waits for events that should come


@dataclass(frozen=True)
class Plan:
    desk_agents: int  # Ready agents taking tasks, half on each web process
    tasks: int
    let_run_out: float  # share of offers an agent leaves to run out
    decline: float  # share of offers an agent declines
    editors: int
    edits: int  # accepted edits per editor
    requests: int  # requests that fall due for the auto-close
    offer_timeout: int  # OFFER_TIMEOUT
    auto_close_after: int  # AUTO_CLOSE_AFTER
    deadline: int  # seconds the offers may take
    racers: int  # `flask close-stale` run by hand at the auto-close's deadline


FULL = Plan(40, 400, 0.1, 0.05, 16, 10, 300, 4, 20, 300, 2)
QUICK = Plan(6, 24, 0.15, 0.15, 4, 5, 20, 3, 8, 60, 1)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def utc(text):
    return datetime.datetime.fromisoformat(text).timestamp()


def without_password(url):
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


# The stores and the processes


class Cluster:
    """Two gunicorn web processes and two RQ workers sharing one database and one Redis."""

    def __init__(self, database_url, redis_url, plan, workdir):
        self.database_url = database_url
        self.redis_url = redis_url
        self.workdir = workdir
        self.children = {}
        self.metrics_token = secrets.token_urlsafe(24)
        self.integration_key = secrets.token_urlsafe(24)
        self.env = {
            **os.environ,
            "ENV": "production",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": secrets.token_urlsafe(40),
            "PUBLIC_URL": PUBLIC_URL,
            "FINESSE_URL": PUBLIC_URL,  # required; local desk accounts never ask Finesse
            "METRICS_TOKEN": self.metrics_token,
            "INTEGRATION_KEY": self.integration_key,
            "OFFER_TIMEOUT": str(plan.offer_timeout),
            "AUTO_CLOSE_AFTER": str(plan.auto_close_after),
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "WARNING",
            "INSTANCE_PATH": os.path.join(workdir, "instance"),
            "PYTHONUNBUFFERED": "1",
        }
        self.webs = []

    def log(self, name):
        return os.path.join(self.workdir, f"{name}.log")

    def spawn(self, name, command, **env):
        with open(self.log(name), "w") as log:
            self.children[name] = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**self.env, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # a Ctrl-C reaches the check, which stops each once
            )

    def flask(self, *args):
        return [os.path.join(BIN, "flask"), "--app", "server", *args]

    def migrate(self):
        done = subprocess.run(
            self.flask("migrate"), cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"scale-check: flask migrate failed:\n{done.stdout}{done.stderr}")

    def start(self):
        for number in (1, 2):
            port = free_port()
            self.spawn(
                f"web{number}",
                [os.path.join(BIN, "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
                BIND=f"127.0.0.1:{port}",
                WEB_WORKERS="1",
                WEB_THREADS="128",
                GRACEFUL_TIMEOUT="10",
                GUNICORN_CMD_ARGS="--no-control-socket",  # two servers on one host
                PROMETHEUS_MULTIPROC_DIR=os.path.join(self.workdir, f"metrics-web{number}"),
            )
            self.webs.append(f"http://127.0.0.1:{port}")
        for number in (1, 2):
            self.spawn(
                f"worker{number}",
                [
                    os.path.join(BIN, "rq"),
                    "worker",
                    "-w",
                    "server.jobs.Worker",
                    "--with-scheduler",
                    "--name",
                    f"scale-check-worker-{number}-{os.getpid()}",
                    "--url",
                    self.redis_url,
                    "default",
                ],
            )

    def wait_ready(self, timeout=90):
        """Until /readyz answers 200 on both web processes (database, Redis, a worker's
        heartbeat, migrations)."""
        session = direct_session()
        deadline = time.monotonic() + timeout
        waiting = list(self.webs)
        while waiting:
            self.check_alive()
            if time.monotonic() > deadline:
                raise SystemExit(f"scale-check: not ready within {timeout} s: {waiting}")
            try:
                if session.get(waiting[0] + "/readyz", timeout=3).status_code == 200:
                    waiting.pop(0)
                    continue
            except requests.RequestException:
                pass
            time.sleep(0.3)

    def check_alive(self):
        for name, child in self.children.items():
            if child.poll() is not None:
                raise SystemExit(
                    f"scale-check: {name} exited ({child.returncode}); its log: {self.log(name)}"
                )

    def close_stale_now(self):
        """`flask close-stale` as an operator on a host would run it (beside the workers)."""
        return subprocess.Popen(
            self.flask("close-stale"),
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def scrape(self, web):
        response = direct_session().get(
            web + "/metrics", headers={"Authorization": f"Bearer {self.metrics_token}"}, timeout=10
        )
        response.raise_for_status()
        return response.text

    def stop(self, grace=20):
        """SIGTERM to each main process only, as systemd's KillMode=mixed and `docker stop` do
        (gunicorn and RQ then stop gracefully); SIGKILL to what is left after `grace` seconds.
        Returns {name: (exit status, seconds it took)}."""
        started = time.monotonic()
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        stopped = {}
        while len(stopped) < len(self.children) and time.monotonic() - started < grace:
            for name, child in self.children.items():
                if name not in stopped and child.poll() is not None:
                    stopped[name] = (child.returncode, time.monotonic() - started)
            time.sleep(0.05)
        for name, child in self.children.items():
            if name not in stopped:
                os.killpg(child.pid, signal.SIGKILL)
                stopped[name] = (f"killed after {grace} s ({child.wait()})", grace)
        return stopped


def reset_database(url):
    """An empty schema, as `make test` makes one: the check counts everything in it."""
    from playhouse.db_url import connect

    db = connect(url)
    db.execute_sql("DROP SCHEMA public CASCADE")
    db.execute_sql("CREATE SCHEMA public")
    db.close()


def start_redis(workdir):
    """A redis-server of the check's own on a free TCP port, as a separate host's would be."""
    from server.embedded import redis_executable

    port = free_port()
    process = subprocess.Popen(
        [redis_executable(), "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", workdir],
        stdout=open(os.path.join(workdir, "redis.log"), "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            return url, process
        except redis.ConnectionError:
            time.sleep(0.05)
    raise SystemExit("scale-check: redis-server did not start")


def add_agents(database_url, names, password):
    """The local desk accounts, through the service layer as `flask agents add` adds them."""
    from server.extensions import open_database
    from server.models import database
    from server.services import accounts

    open_database(database_url)
    with database.connection_context():
        for name in names:
            accounts.add_agent(name, password)
    database.close()


# Agents, as the Care Desktop drives the API and the socket


def direct_session():
    session = requests.Session()
    session.trust_env = False  # an HTTP_PROXY must not catch the local servers
    return session


class Agent:
    """One signed-in agent on one web process: its HTTP calls and its live socket, whose
    events a thread stamps with their arrival time and queues."""

    def __init__(self, name, password, web, web_number):
        self.name, self.web, self.web_number = name, web, web_number
        self.http = direct_session()
        response = self.http.post(
            web + "/api/v1/session",
            json={"local": {"username": name, "password": password}},
            timeout=30,
        )
        if response.status_code != 201:
            raise SystemExit(f"scale-check: {name} could not sign in: {response.text}")
        self.token = response.json()["token"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"
        self.events = queue.Queue()
        self.ws = None

    def call(self, method, path, **kwargs):
        return self.http.request(method, self.web + path, timeout=30, **kwargs)

    def connect(self):
        url = self.web.replace("http://", "ws://", 1) + f"/ws?token={self.token}"
        self.ws = simple_websocket.Client.connect(url, headers={"Origin": PUBLIC_URL})
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def _read(self):
        try:
            while True:
                text = self.ws.receive()
                if text is None:
                    continue
                self.events.put((time.time(), json.loads(text)))
        except simple_websocket.ConnectionClosed as closed:
            self.events.put((time.time(), {"type": "closed", "code": closed.reason}))

    def watch(self, kind, ids):
        """Watch records and wait until the server has acknowledged every one."""
        for record_id in ids:
            self.ws.send(json.dumps({"type": "watch", "kind": kind, "id": str(record_id)}))
        waiting = {str(record_id) for record_id in ids}
        seen = []
        deadline = time.monotonic() + 30
        while waiting and time.monotonic() < deadline:
            try:
                stamped = self.events.get(timeout=1)
            except queue.Empty:
                continue
            if stamped[1]["type"] == "watching":
                waiting.discard(stamped[1]["id"])
            else:
                seen.append(stamped)
        for stamped in seen:
            self.events.put(stamped)
        if waiting:
            raise SystemExit(f"scale-check: {self.name} was not watching {sorted(waiting)[:5]}")

    def drain(self, seconds=1.0):
        """The events that have arrived, and any more until none comes for `seconds`."""
        got = []
        while True:
            try:
                got.append(self.events.get(timeout=seconds))
            except queue.Empty:
                break
        return got

    def close_code(self, timeout=QUIET):
        """The code the server closed this socket with (None: not closed within `timeout`)."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                _, event = self.events.get(timeout=left)
            except queue.Empty:
                break
            if event["type"] == "closed":
                return event["code"]
        return None

    def close(self):
        if self.ws is not None:
            try:
                self.ws.close()
            except simple_websocket.ConnectionClosed:
                pass


class Report:
    def __init__(self):
        self.lines = []
        self.failed = False

    def check(self, name, ok, summary, problems=()):
        self.failed |= not ok
        self.lines.append(f"  {'PASS' if ok else 'FAIL'}  {name:<30} {summary}")
        for problem in list(problems)[:10]:
            self.lines.append(f"        {problem}")

    def print(self):
        print("\n".join(self.lines), flush=True)


def in_parallel(function, items, threads=8):
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        return list(pool.map(function, items))


# The checks


def start_auto_close(cluster, plan, agents):
    """Create the requests that fall due, and sockets on both processes watching them."""

    def create(number):
        web_agent = agents[f"watch-{number % 2 + 1}"]
        customer = web_agent.call("POST", "/api/v1/customers", json={"name": f"Due {number}"})
        customer.raise_for_status()
        request = web_agent.call(
            "POST",
            f"/api/v1/customers/{customer.json()['id']}/requests",
            json={"title": f"Due {number}"},
        )
        request.raise_for_status()
        return request.json()

    created = in_parallel(create, range(plan.requests))
    due_at = max(utc(r["updated_at"]) for r in created) + plan.auto_close_after
    for web in ("1", "2"):
        watchers = [
            name for name in agents if name.startswith(f"observe-{web}-")
        ]  # ≤ 100 records each: a burst of closings stays within a socket's queue
        for index, name in enumerate(watchers):
            agents[name].watch("request", [r["id"] for r in created[index :: len(watchers)]])
    racers = []

    def race():  # operators run the sweep by hand at the moment it falls due
        racers.extend(cluster.close_stale_now() for _ in range(plan.racers))

    timer = threading.Timer(max(0.0, due_at - time.time() - 1.0), race)
    timer.start()
    return {"requests": created, "due_at": due_at, "racers": racers, "timer": timer}


def finish_auto_close(cluster, plan, agents, started, report):
    requests_by_id = {str(r["id"]): r for r in started["requests"]}
    watcher = agents["watch-1"]
    wait_until = started["due_at"] + 60
    closed = {}

    def read(record):
        return watcher.call("GET", f"/api/v1/requests/{record['id']}").json()

    while time.time() < wait_until:
        closed = {str(now["id"]): now for now in in_parallel(read, started["requests"])}
        if all(r["status"] == "closed" for r in closed.values()):
            break
        time.sleep(1)
    started["timer"].join()
    racer_output = [racer.communicate(timeout=60)[0].strip() for racer in started["racers"]]
    problems = []
    for request_id, now in closed.items():
        before = requests_by_id[request_id]
        if now["status"] != "closed":
            problems.append(f"request {request_id} is still {now['status']}")
        elif now["version"] != before["version"] + 1:
            problems.append(f"request {request_id} went {before['version']} → {now['version']}")
    entries = collections.Counter()

    def journey(record):
        return watcher.call("GET", f"/api/v1/customers/{record['customer_id']}/journey").json()

    for record, page in zip(
        started["requests"], in_parallel(journey, started["requests"]), strict=True
    ):
        for item in page["items"]:
            if (item["kind"], item["action"]) == ("request", "closed"):
                entries[str(record["id"])] += 1
                if item["data"] != {"reason": "auto"}:
                    problems.append(f"request {record['id']} closed by {item['agent']}")
    for request_id in requests_by_id:
        if entries[request_id] != 1:
            problems.append(f"request {request_id} has {entries[request_id]} closing entries")
    events = {}
    for name in sorted(n for n in agents if n.startswith("observe-")):
        got = agents[name].drain()
        for _, event in got:
            if event["type"] != "changed" or event["kind"] != "request":
                continue
            # The closing's own event: the request's creation may still be arriving.
            closing = requests_by_id[event["id"]]["version"] + 1
            if event["version"] >= closing:
                key = (name.split("-")[1], event["id"], event["version"])
                events[key] = events.get(key, 0) + 1
    for web, request_id, version in events:
        if version != requests_by_id[request_id]["version"] + 1:
            problems.append(f"web {web}'s socket heard of version {version} of {request_id}")
    for web in ("1", "2"):
        for request_id, record in requests_by_id.items():
            count = events.get((web, request_id, record["version"] + 1), 0)
            if count != 1:
                problems.append(f"web {web}'s socket heard {count} times of {request_id} closing")
    report.check(
        "each auto-close runs once",
        not problems,
        f"{len(requests_by_id)} requests due with both workers sweeping and "
        f"{len(racer_output)} `flask close-stale` at the deadline ({'; '.join(racer_output)}): "
        f"{sum(1 for r in closed.values() if r['status'] == 'closed')} closed, "
        f"{sum(entries.values())} journey entries, one close event each on both processes",
        problems,
    )


def check_edits(plan, agents, report):
    """Editors on both processes save one request at once; then what each socket saw."""
    editors = [agents[f"edit-{n}"] for n in range(1, plan.editors + 1)]
    first = editors[0]
    customer = first.call("POST", "/api/v1/customers", json={"name": "Edited often"}).json()
    record = first.call(
        "POST", f"/api/v1/customers/{customer['id']}/requests", json={"title": "Edited often"}
    ).json()
    path = f"/api/v1/requests/{record['id']}"
    for editor in editors:
        editor.watch("request", [record["id"]])
    start = threading.Barrier(len(editors))
    accepted, refused, errors = [], [], []
    lock = threading.Lock()

    def edit(editor):
        current = editor.call("GET", path).json()
        start.wait()
        done = 0
        while done < plan.edits:
            mark = f"{editor.name}.{done}"
            response = editor.call(
                "PATCH",
                path,
                json={
                    "version": current["version"],
                    "description": (current["description"] + " " + mark).strip(),
                },
            )
            with lock:
                if response.status_code == 200:
                    current = response.json()
                    accepted.append((current["version"], mark, editor.web_number, time.time()))
                    done += 1
                elif response.status_code == 409:
                    now = response.json().get("current") or {}
                    refused.append((current["version"], now.get("version")))
                    if not now.get("version", 0) > current["version"]:
                        errors.append(f"a 409 without a newer current: {response.text[:200]}")
                    current = now or editor.call("GET", path).json()
                else:
                    errors.append(f"{response.status_code}: {response.text[:200]}")
                    return

    in_parallel(edit, editors, threads=len(editors))
    final = first.call("GET", path).json()
    accepted.sort()
    versions = [version for version, *_ in accepted]
    expected = list(range(record["version"] + 1, record["version"] + 1 + len(accepted)))
    problems = list(errors)
    if versions != expected:
        problems.append(f"accepted versions are not {expected[0]}..{expected[-1]} once each")
    marks = final["description"].split()
    if marks != [mark for _, mark, *_ in accepted]:
        lost = {mark for _, mark, *_ in accepted} - set(marks)
        problems.append(f"the final text lacks {sorted(lost)[:5]} or has them out of order")
    if final["version"] != (versions[-1] if versions else record["version"]):
        problems.append(f"final version {final['version']}, last accepted {versions[-1:]}")
    report.check(
        "no edit is lost",
        not problems and len(accepted) == plan.editors * plan.edits,
        f"{len(editors)} editors on both processes: {len(accepted)} edits accepted (versions "
        f"{expected[0]}..{expected[-1]}, each in the final text, in order), {len(refused)} "
        f"refused with 409 and the current record",
        problems,
    )
    return record, accepted, editors


def check_live(record, accepted, editors, offers_made, offers_seen, report):
    """Every accepted edit reached every watching socket, on both processes."""
    problems, delays, crossing = [], [], 0
    for editor in editors:
        # Every edit but the editor's own (a `changed` event skips the agent who made it).
        wanted = {
            version: (web, at)
            for version, mark, web, at in accepted
            if not mark.startswith(editor.name + ".")
        }
        seen = {}  # version -> when it arrived
        while not all(version in seen for version in wanted):
            try:
                at, event = editor.events.get(timeout=QUIET)
            except queue.Empty:
                break
            if event.get("kind") == "request" and event.get("id") == str(record["id"]):
                seen.setdefault(event.get("version"), at)
        for version, (web, at) in wanted.items():
            if version not in seen:
                problems.append(
                    f"{editor.name} on web {editor.web_number} missed version {version}"
                )
                continue
            delays.append(max(0.0, seen[version] - at))
            crossing += web != editor.web_number
    if offers_made != offers_seen:
        problems.append(f"the service made {offers_made} offers, agents' sockets got {offers_seen}")
    delays.sort()
    p50 = delays[len(delays) // 2] * 1000 if delays else 0
    p95 = delays[int(len(delays) * 0.95)] * 1000 if delays else 0
    report.check(
        "live events cross processes",
        not problems,
        f"{len(delays)} events of {len(accepted)} edits to the {len(editors) - 1} other "
        f"editors' sockets ({crossing} from the other process; after the saver's answer "
        f"p50 {p50:.0f} ms, p95 {p95:.0f} ms); "
        f"{offers_seen} of {offers_made} offers made reached their agent's socket",
        problems,
    )


def run_desk(cluster, plan, agents, report):
    """Ready agents on both processes take tasks; some offers are declined, some left to run
    out (each makes the agent Not Ready: it becomes Ready again)."""
    desk = [agents[f"desk-{n}"] for n in range(1, plan.desk_agents + 1)]
    offers, accepts, ends, refusals, problems = [], [], [], [], []
    declines = {}  # (task, offer number) -> when the agent sent its decline
    lock = threading.Lock()
    stop = threading.Event()
    rng = random.Random(13)
    let_run_out = {
        agent.name: rng.random() < plan.let_run_out * 3 for agent in desk
    }  # some agents are slow

    def answer(agent, task, verb, at):
        """Accept or decline the offer; a 409 because it ran out meanwhile is no fault."""
        response = agent.call(
            "POST", f"/api/v1/tasks/{task['id']}/{verb}", json={"offer": task["offer_number"]}
        )
        if response.status_code != 200:
            with lock:
                refusals.append((task["id"], agent.name, response.status_code, at))
                if response.json().get("type") != "/problems/offer-expired":
                    problems.append(
                        f"{agent.name}'s {verb} of offer {task['id']}/{task['offer_number']}: "
                        f"{response.text[:200]}"
                    )
        return response.status_code == 200

    def work(agent):
        if not agent.call("PUT", "/api/v1/agent/state", json={"state": "ready"}).ok:
            with lock:
                problems.append(f"{agent.name} could not become Ready")
            return
        chance = random.Random(agent.name)
        while not stop.is_set():
            try:
                at, event = agent.events.get(timeout=0.5)
            except queue.Empty:
                continue
            if event["type"] == "offer":
                task = event["task"]
                offer = (task["id"], task["offer_number"], agent.name, at, utc(event["expires_at"]))
                with lock:
                    offers.append(offer)
                if let_run_out[agent.name] and chance.random() < 0.5:
                    continue  # the state event comes when it has run out
                if chance.random() < plan.decline:
                    sent = time.time()
                    if answer(agent, task, "decline", at):
                        with lock:
                            declines[(task["id"], task["offer_number"])] = sent
                    continue
                if answer(agent, task, "accept", at):
                    with lock:
                        accepts.append((task["id"], task["offer_number"], agent.name, time.time()))
                    time.sleep(chance.random() * 0.05)  # the conversation
                    ended = agent.call("POST", f"/api/v1/tasks/{task['id']}/end")
                    with lock:
                        if ended.ok:
                            ends.append(task["id"])
                        else:
                            problems.append(f"end of {task['id']}: {ended.text[:200]}")
            elif event["type"] == "state" and event.get("reason") in ("offer_timeout", "declined"):
                agent.call("PUT", "/api/v1/agent/state", json={"state": "ready"})
            elif event["type"] == "closed":
                with lock:
                    problems.append(f"{agent.name}'s socket closed ({event['code']})")
                return

    threads = [threading.Thread(target=work, args=(agent,), daemon=True) for agent in desk]
    for thread in threads:
        thread.start()

    def queue_task(number):
        web = cluster.webs[number % 2]
        medium = ("chat", "email", "call")[number % 3]
        identity = {"chat": {"chat": f"visitor-{number}"}, "email": {"email": f"c{number}@x.org"}}
        response = direct_session().post(
            web + "/api/v1/tasks",
            json={
                "medium": medium,
                "identity": identity.get(medium, {"phone": f"+3120555{number:04d}"}),
                "subject": f"Task {number}",
            },
            headers={"X-Integration-Key": cluster.integration_key},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()["id"]

    started = time.time()
    task_ids = set(in_parallel(queue_task, range(plan.tasks), threads=4))
    deadline = started + plan.deadline
    while time.time() < deadline:
        with lock:
            if len(set(ends)) >= len(task_ids) or problems:
                break
        time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join(5)
    took = time.time() - started
    problems += offer_problems(offers, accepts, declines, task_ids)
    lost = task_ids - set(ends)
    if lost:
        problems.append(f"{len(lost)} tasks never handled: {sorted(lost)[:10]}")
    ran_out = len(offers) - len(accepts) - len(declines) - len(refusals)
    report.check(
        "no task is offered twice",
        not problems,
        f"{len(task_ids)} tasks, {len(desk)} Ready agents on both processes, {len(offers)} "
        f"offers, each to one agent, and again only after it was declined or ran out "
        f"({len(declines)} declined, {ran_out} ran out, {len(refusals)} answered too late); "
        f"{len(accepts)} accepted once each, {len(task_ids) - len(lost)} handled, "
        f"{len(lost)} lost ({took:.1f} s)",
        problems,
    )
    return len(offers)


def offer_problems(offers, accepts, declines, task_ids):
    """What breaks D5 in what the agents saw: an offer to two agents, a task offered again
    before its offer ended (declined, ran out) or after an accept, a task not accepted once."""
    problems = []
    by_offer = collections.defaultdict(set)
    by_task = collections.defaultdict(list)
    for task_id, number, name, at, expires in offers:
        by_offer[(task_id, number)].add(name)
        by_task[task_id].append((number, at, expires, name))
    for (task_id, number), names in by_offer.items():
        if len(names) > 1:
            problems.append(f"offer {number} of task {task_id} went to {sorted(names)}")
    accepted = collections.Counter(task_id for task_id, *_ in accepts)
    accepted_offer = {(task_id, number) for task_id, number, *_ in accepts}
    for task_id, made in by_task.items():
        made.sort()
        numbers = [number for number, *_ in made]
        if numbers != sorted(set(numbers)):
            problems.append(f"task {task_id} was offered as {numbers}")
        for (number, _, expires, _), (later, at, _, _) in itertools.pairwise(made):
            if (task_id, number) in accepted_offer:
                problems.append(f"task {task_id} was offered again ({later}) after an accept")
            elif (task_id, number) in declines:
                if at < declines[(task_id, number)]:
                    problems.append(f"task {task_id}: offer {later} came before {number}'s decline")
            elif at < expires:
                problems.append(
                    f"task {task_id}: offer {later} came {expires - at:.2f} s before offer "
                    f"{number} ran out"
                )
    for task_id in task_ids:
        if accepted[task_id] != 1:
            problems.append(f"task {task_id} was accepted {accepted[task_id]} times")
    return problems


METRIC_LINE = re.compile(r"^contextdesk_\w+")


def metrics_excerpt(text):
    """The /metrics lines an operator looks at first (no histogram buckets)."""
    keep = []
    for line in text.splitlines():
        name = METRIC_LINE.match(line)
        if not name or "_bucket" in name.group() or name.group().endswith("_created"):
            continue
        if name.group().endswith("_sum"):
            continue
        keep.append("    " + line)
    return keep


def samples(text, name):
    from prometheus_client.parser import text_string_to_metric_families

    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                found[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def run(args):
    plan = QUICK if args.quick else FULL
    workdir = tempfile.mkdtemp(prefix="context-desk-scale-")
    redis_process = None
    started = time.time()
    redis_url = args.redis
    if redis_url is None:
        redis_url, redis_process = start_redis(workdir)
    import redis

    redis.Redis.from_url(redis_url).flushdb()  # the service-wide counts start at zero
    if not args.no_reset:
        reset_database(args.database)
    cluster = Cluster(args.database, redis_url, plan, workdir)
    report = Report()
    agents = {}
    texts = []
    try:
        if not args.no_reset:
            cluster.migrate()
        password = secrets.token_urlsafe(16)
        names = [f"desk-{n}" for n in range(1, plan.desk_agents + 1)]
        names += [f"edit-{n}" for n in range(1, plan.editors + 1)]
        observers = max(1, -(-plan.requests // 100))
        names += [f"observe-{w}-{n}" for w in (1, 2) for n in range(1, observers + 1)]
        names += ["watch-1", "watch-2"]
        cluster.start()
        # The accounts (a slow password hash each) while the processes start.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            adding = pool.submit(add_agents, args.database, names, password)
            cluster.wait_ready()
            adding.result()
        print(
            f"scale-check: web 1 {cluster.webs[0]}, web 2 {cluster.webs[1]} (gunicorn, "
            f"deploy/gunicorn.conf.py), worker 1 and 2 (rq), database "
            f"{without_password(args.database)}, Redis {without_password(redis_url)}; logs "
            f"in {workdir}",
            flush=True,
        )

        def sign_in(name):
            if name.startswith(("observe-", "watch-")):  # observe-<web>-<n>, watch-<web>
                web = int(name.split("-")[1])
            else:  # desk-<n>, edit-<n>: every other one on each web process
                web = int(name.rsplit("-", 1)[1]) % 2 + 1
            return Agent(name, password, cluster.webs[web - 1], web)

        for agent in in_parallel(sign_in, names, threads=4):
            agents[agent.name] = agent.connect()
        due = start_auto_close(cluster, plan, agents)
        record, accepted, editors = check_edits(plan, agents, report)
        offers_seen = run_desk(cluster, plan, agents, report)
        texts = [cluster.scrape(web) for web in cluster.webs]
        made = samples(texts[0], "contextdesk_offers_total").get((("outcome", "made"),), 0)
        check_live(record, accepted, editors, int(made), offers_seen, report)
        finish_auto_close(cluster, plan, agents, due, report)
        texts = [cluster.scrape(web) for web in cluster.webs]
        failed = sum(samples(texts[0], "contextdesk_jobs_failed_total").values())
        report.check("no job failed", failed == 0, f"contextdesk_jobs_failed_total {failed:.0f}")
    finally:
        stopped = cluster.stop()  # the agents' sockets still open: each is asked to reconnect
        codes = collections.Counter(agent.close_code() for agent in agents.values())
        for agent in agents.values():
            agent.close()
        if redis_process is not None:
            redis_process.terminate()
            redis_process.wait(10)
    unclean = {name: status for name, (status, _) in stopped.items() if status != 0}
    took = ", ".join(f"{name} {seconds:.1f} s" for name, (_, seconds) in stopped.items())
    report.check(
        "graceful stop (SIGTERM)",
        not unclean and set(codes) <= {1012},
        (f"exit statuses {unclean}" if unclean else "all four processes exited 0")
        + f" ({took}); of the {sum(codes.values())} sockets open, "
        + ", ".join(f"{count} closed with {code}" for code, count in sorted(codes.items(), key=str))
        + " (1012: service restart, reconnect)",
    )
    print()
    report.print()
    for number, text in enumerate(texts, 1):
        print(f"\n/metrics of web {number} (excerpt: no buckets, no sums):")
        print("\n".join(metrics_excerpt(text)))
    verdict = "FAILED" if report.failed else "all checks passed"
    print(f"\nscale-check: {verdict} in {time.time() - started:.0f} s; logs in {workdir}")
    if not report.failed and not args.keep_logs:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if report.failed else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        default=os.environ.get("SCALE_DATABASE_URL"),
        help="PostgreSQL URL of a database for the check alone (its public schema is "
        "dropped); default $SCALE_DATABASE_URL",
    )
    parser.add_argument(
        "--redis",
        default=os.environ.get("SCALE_REDIS_URL"),
        help="a Redis database for the check alone (emptied); default: a redis-server of "
        "its own on a free port",
    )
    parser.add_argument("--quick", action="store_true", help="fewer agents, tasks and edits")
    parser.add_argument(
        "--no-reset",
        action="store_true",
        help="use the database as it is: migrated and empty (the suite's, in its test)",
    )
    parser.add_argument("--keep-logs", action="store_true", help="keep the processes' logs")
    args = parser.parse_args(argv)
    if not args.database or not args.database.startswith("postgres"):
        parser.error(
            "the scale check needs a PostgreSQL database of its own: "
            "SCALE_DATABASE_URL=postgresql://user@host:5432/name make scale-check"
        )
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
