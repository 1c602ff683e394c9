"""Issue 14's ratios, measured with wrk against gunicorn as `make run` starts it.

    python bench/ratios.py --database sqlite:////tmp/bench/bench-100k.sqlite3
    python bench/ratios.py --database postgresql://postgres@127.0.0.1:5432/bench_100k

Starts the service (gunicorn 2 gthread workers and an RQ worker, `bench/service.py`) on the
seeded database and an embedded Redis of its own, signs one agent in, then runs wrk for each
scenario with 20 connections flat out, and once more with one connection for the unloaded
figures. Every figure is a ratio to `/healthz` in the same run (the machine is shared, so
absolute times drift between runs). It prints each ratio beside its target and beside the
previous committed result for the same store and size (`bench/results/ratios/`), and writes
this run's JSON there.
"""

import argparse
import base64
import datetime
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import store  # noqa: E402
from seed import DEEP_EMAIL  # noqa: E402
from service import Service, agent_credentials  # noqa: E402

RESULTS = os.path.join(store.ROOT, "bench", "results", "ratios")

# Issue 14's targets: (figure, rule, bound).
TARGETS = [
    ("screen_pop_write / healthz", ">=", 0.30),
    ("screen_pop / healthz", ">=", 0.15),
    ("screen_pop_write p99 / p50", "<=", 5.0),
    ("journey_first / healthz", ">=", 0.40),
    ("journey_deep / healthz", ">=", 0.40),
]
SEARCHES = (
    "search_phone",
    "search_phone_national",
    "search_email",
    "search_email_local",
    "search_email_domain",
    "search_name",
    "search_name_first_last",
    "search_name_surname_first",
)
TARGETS += [(f"{name} / healthz", ">=", 0.40) for name in SEARCHES]
# Issue 14's absolute targets, from bench/sweep.py and bench/live.py (--sweep, --live).
FIGURES = [
    ("auto-close sweep, requests/s", ">=", 50_000),
    ("live fan-out to 500 sockets, p99 ms", "<=", 100),
]
SCENARIOS = (
    "healthz",
    "screen_pop_write",
    "screen_pop",
    "journey_first",
    "journey_deep",
    *SEARCHES,
)

LUA = r"""
local paths = {%(paths)s}
local bodies = {%(bodies)s}
local method = "%(method)s"
local token = "%(token)s"
local run = "%(run)s-" .. os.time()
local counter = 0
local thread_id = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function request()
  counter = counter + 1
  local index = (counter * 7919 + (thread_id or 0) * 104729) %% #paths + 1
  local headers = {["Authorization"] = "Bearer " .. token}
  if bodies[index] ~= "" then
    headers["Content-Type"] = "application/json"
    local source = run .. "-" .. (thread_id or 0) .. "-" .. counter
    local body = string.gsub(bodies[index], "SOURCE", source)
    return wrk.format(method, paths[index], headers, body)
  end
  return wrk.format("GET", paths[index], headers)
end
"""


def lua_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fixtures(url, rng, size=1500):
    """Known customers with a phone, an email and activities, picked at random."""
    import phonenumbers

    from server.models import Customer, database
    from server.services.identity import fold

    store.open_and_migrate(url)
    top = Customer.select(Customer.id).order_by(Customer.id.desc()).limit(1).scalar() or 0
    deep = Customer.get_or_none(Customer.email == DEEP_EMAIL)
    if deep is None:
        raise SystemExit("ratios: no deep-journey customer; seed with bench/seed.py first")
    wanted = rng.sample(range(1, top + 1), min(top, size * 2))
    rows = list(
        Customer.select(Customer.id, Customer.name_key, Customer.email, Customer.phone).where(
            Customer.id.in_(wanted)
            & (Customer.known == True)  # noqa: E712
            & (Customer.id != deep.id)
            & Customer.phone.startswith("+")
            & Customer.email.is_null(False)
        )
    )[:size]
    customers = Customer.select().count()
    database.close()

    def national(e164):
        number = phonenumbers.parse(e164, None)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)

    def words(row):
        return fold(row.name_key).split()

    return {
        "customers": customers,
        "deep_id": deep.id,
        "rows": rows,
        "queries": {
            "search_phone": [f"00{r.phone[1:3]} {r.phone[3:]}" for r in rows],
            "search_phone_national": [national(r.phone) for r in rows],
            "search_email": [r.email for r in rows],
            "search_email_local": [r.email.split("@")[0] for r in rows],
            "search_email_domain": [r.email.split("@")[1] for r in rows],
            "search_name": [words(r)[-1] for r in rows],
            "search_name_first_last": [" ".join(words(r)) for r in rows],
            "search_name_surname_first": [
                f"{words(r)[-1]} {words(r)[0][:2]}" if len(words(r)) > 1 else words(r)[0]
                for r in rows
            ],
        },
    }


def sign_in(base_url):
    agent_id, password = agent_credentials(1)[0]
    basic = base64.b64encode(f"{agent_id}:{password}".encode()).decode()
    body = json.dumps({"finesse": {"id": agent_id, "authorization": f"Basic {basic}"}}).encode()
    request = urllib.request.Request(
        base_url + "/api/v1/session",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["token"]


def journey_cursors(base_url, token, customer_id):
    cursors, cursor = [], None
    while True:
        query = f"?cursor={cursor}" if cursor else ""
        request = urllib.request.Request(
            f"{base_url}/api/v1/customers/{customer_id}/journey{query}",
            headers={"Authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            cursor = json.load(response)["next"]
        if not cursor:
            return cursors
        cursors.append(cursor)


def requests_of(name, data, cursors):
    """(method, [(path, body)]) of one scenario."""
    from urllib.parse import quote

    rows = data["rows"]
    if name == "healthz":
        return "GET", [("/healthz", "")]
    if name in ("screen_pop_write", "screen_pop"):
        pops = []
        for row in rows:
            number = f"00{row.phone[1:3]} {row.phone[3:]}"  # as the caller ID shows it
            body = json.dumps(
                {
                    "medium": "call",
                    "source_id": "wrk-SOURCE",
                    "identity": {"phone": number},
                    "state": "answered",
                }
            )
            pops.append(("/api/v1/interactions", body))
            if name == "screen_pop":
                # What the widget does next: the journey's first page of that customer.
                pops.append((f"/api/v1/customers/{row.id}/journey", ""))
        return "POST", pops
    if name == "journey_first":
        return "GET", [(f"/api/v1/customers/{row.id}/journey", "") for row in rows]
    if name == "journey_deep":
        return "GET", [
            (f"/api/v1/customers/{data['deep_id']}/journey?cursor={cursor}", "")
            for cursor in cursors
        ]
    return "GET", [
        ("/api/v1/customers?q=" + quote(text, safe=""), "") for text in data["queries"][name]
    ]


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(out):
    def milliseconds(text):
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
        return float(number) * _UNITS[unit]

    result = {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for percent in ("50", "90", "99"):
        match = re.search(rf"^\s+{percent}%\s+(\S+)", out, re.M)
        result[f"p{percent}_ms"] = milliseconds(match.group(1)) if match else None
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors:.*", out)
    result["non_2xx"] = int(errors.group(1)) if errors else 0
    result["socket_errors"] = socket_errors.group(0) if socket_errors else None
    result["requests"] = int(re.search(r"(\d+) requests in", out).group(1))
    return result


def wrk(base_url, script, connections, duration, threads):
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        script,
        base_url,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def ratios(scenarios):
    ceiling = scenarios["healthz"]["loaded"]["requests_per_s"]
    figures = {}
    for name, result in scenarios.items():
        if name == "healthz":
            continue
        rate = result["loaded"]["requests_per_s"]
        if name == "screen_pop":
            rate /= 2  # a screen-pop is two requests: the write, then the journey
        figures[f"{name} / healthz"] = rate / ceiling
    pop = scenarios.get("screen_pop_write")
    if pop and pop["loaded"]["p50_ms"]:
        figures["screen_pop_write p99 / p50"] = pop["loaded"]["p99_ms"] / pop["loaded"]["p50_ms"]
    return figures


def previous_result(store_name, size):
    """The newest committed result for this store and size, if any."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "bench/results/ratios"],
            cwd=store.ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        listed = []
    matching = sorted(path for path in listed if path.endswith(f"-{store_name}-{size}.json"))
    if not matching:
        # None at this size yet: the newest of this store at any size (its size is shown).
        matching = sorted(path for path in listed if f"-{store_name}-" in path)
    if not matching:
        return None
    with open(os.path.join(store.ROOT, matching[-1])) as file:
        report = json.load(file)
    report["path"] = matching[-1]
    return report


def table(report, previous):
    lines = [
        f"{report['store']} {report['customers']:,} customers, commit {report['commit']}, "
        f"load {report['load_average'][0]:.1f}/{report['load_average'][1]:.1f}",
        "",
        "| scenario | req/s (20 conn) | p50 / p99 ms (20 conn) | unloaded p50 ms |",
        "|---|---:|---:|---:|",
    ]
    for name, result in report["scenarios"].items():
        loaded, alone = result["loaded"], result["unloaded"]
        errors = " (errors!)" if loaded["non_2xx"] or alone["non_2xx"] else ""
        lines.append(
            f"| {name}{errors} | {loaded['requests_per_s']:,.0f} | "
            f"{loaded['p50_ms']:.1f} / {loaded['p99_ms']:.1f} | {alone['p50_ms']:.2f} |"
        )
    lines += ["", "| ratio | target | this run | previous |", "|---|---|---:|---:|"]
    before = (previous or {}).get("ratios", {})
    for figure, rule, bound in TARGETS:
        value = report["ratios"].get(figure)
        if value is None:
            continue
        met = value >= bound if rule == ">=" else value <= bound
        shown = f"{value:.0%}" if rule == ">=" else f"{value:.1f}"
        old = before.get(figure)
        old_shown = "" if old is None else (f"{old:.0%}" if rule == ">=" else f"{old:.1f}")
        target = f"{rule} {bound:.0%}" if rule == ">=" else f"{rule} {bound:g}"
        lines.append(
            f"| {figure} | {target} | {shown} {'met' if met else 'MISSED'} | {old_shown} |"
        )
    figures, old_figures = report.get("figures", {}), (previous or {}).get("figures", {})
    for figure, rule, bound in FIGURES:
        value = figures.get(figure)
        if value is None:
            continue
        met = value >= bound if rule == ">=" else value <= bound
        old = old_figures.get(figure)
        lines.append(
            f"| {figure} | {rule} {bound:,} | {value:,.0f} {'met' if met else 'MISSED'} | "
            f"{'' if old is None else f'{old:,.0f}'} |"
        )
    if previous:
        lines.append(
            f"\nprevious: {previous['path']} ({previous['customers']:,} customers, "
            f"commit {previous['commit']})"
        )
    return "\n".join(lines)


def other_script(name, *args, env=None):
    """Run bench/<name>.py; its last JSON line."""
    out = subprocess.run(
        [sys.executable, os.path.join(store.ROOT, "bench", f"{name}.py"), *args],
        cwd=store.ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"ratios: bench/{name}.py gave no result:\n{out.stdout}\n{out.stderr}")
    return json.loads(lines[-1])


def sweep_and_live(args):
    """The sweep's rate (on a scratch SQLite file, or the PostgreSQL database given, which it
    adds its requests to and removes them from) and the live fan-out's p99 (2 processes)."""
    figures = {}
    if args.sweep:
        env = {}
        sweep_args = []
        if store.store_name(args.database) == "postgresql":
            env["DATABASE_URL"], sweep_args = args.database, ["--force"]
        else:
            env["DATABASE_URL"] = ""
        result = other_script("sweep", *sweep_args, env=env)
        figures["auto-close sweep, requests/s"] = result["per_second"]
    if args.live:
        result = other_script("live", "--json", "--processes", "2")
        figures["live fan-out to 500 sockets, p99 ms"] = result["p99_ms"]
        figures["live fan-out, from Redis to the socket, p99 ms"] = result["fanout_p99_ms"]
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--duration", type=int, default=10, help="seconds per loaded run")
    parser.add_argument("--unloaded-duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--out", default=RESULTS)
    parser.add_argument("--sweep", action="store_true", help="also bench/sweep.py's rate")
    parser.add_argument("--live", action="store_true", help="also bench/live.py's p99")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("ratios: needs wrk (apt-get install wrk)")
    rng = random.Random(14)
    data = fixtures(args.database, rng)
    scenarios = [name.strip() for name in args.scenarios.split(",") if name.strip()]
    if "healthz" not in scenarios:
        scenarios.insert(0, "healthz")

    from server.embedded import start_embedded_redis

    folder = tempfile.mkdtemp(prefix="cd-ratios-")
    redis_url, stop_redis = start_embedded_redis(os.path.join(folder, "redis"))
    service = Service(args.database, redis_url, args.workers, args.threads, agents=1).start()
    load_before = os.getloadavg()[0]
    results = {}
    try:
        token = sign_in(service.url)
        cursors = journey_cursors(service.url, token, data["deep_id"])
        run = datetime.datetime.now().strftime("%H%M%S")
        for name in scenarios:
            method, items = requests_of(name, data, cursors)
            script = os.path.join(folder, f"{name}.lua")
            with open(script, "w") as file:
                file.write(
                    LUA
                    % {
                        "paths": ", ".join(lua_string(path) for path, _ in items),
                        "bodies": ", ".join(lua_string(body) for _, body in items),
                        "method": method,
                        "token": token,
                        "run": f"{run}-{name}",
                    }
                )
            results[name] = {
                "loaded": wrk(service.url, script, args.connections, args.duration, 2),
                "unloaded": wrk(service.url, script, 1, args.unloaded_duration, 1),
            }
            print(
                f"ratios: {name}: {results[name]['loaded']['requests_per_s']:,.0f} req/s",
                file=sys.stderr,
                flush=True,
            )
            time.sleep(0.5)
    finally:
        service.stop()
        stop_redis()
        shutil.rmtree(folder, ignore_errors=True)

    size = store_size(data["customers"])
    report = {
        "at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "store": store.store_name(args.database),
        "size": size,
        "customers": data["customers"],
        "method": (
            f"wrk -t2 -c{args.connections} -d{args.duration}s (loaded), "
            f"-t1 -c1 -d{args.unloaded_duration}s (unloaded); gunicorn {args.workers} "
            f"gthread workers x {args.threads} threads + rq worker"
        ),
        "commit": store.git_commit(),
        "machine": store.machine(),
        "load_average": [load_before, os.getloadavg()[0]],
        "scenarios": results,
        "ratios": ratios(results),
    }
    report["figures"] = sweep_and_live(args)
    report["load_average"].append(os.getloadavg()[0])
    previous = previous_result(report["store"], size)
    print(table(report, previous))
    os.makedirs(args.out, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = os.path.join(args.out, f"{stamp}-{report['store']}-{size}.json")
    with open(path, "w") as file:
        json.dump(report, file, indent=1)
    print(f"ratios: results in {os.path.relpath(path, store.ROOT)}")
    return report


def store_size(customers):
    nominal = 10 ** (len(str(max(customers, 1))) - 1)
    if nominal >= 1_000_000:
        return f"{nominal // 1_000_000}m"
    if nominal >= 1000:
        return f"{nominal // 1000}k"
    return str(nominal)


if __name__ == "__main__":
    main()
