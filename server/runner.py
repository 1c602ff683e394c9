"""`make run`: check the settings, compile the catalogues, migrate, seed (development only),
then run the web server and the RQ worker until stopped (O1).

`make run` sets `ENV=development`; without it the runner serves as production does and a
missing or unsafe setting stops it with one line (O4). In development without `REDIS_URL` it
starts the embedded Redis under the instance folder and hands its URL to every child, so the
web processes, the worker and the commands share one store. That Redis belongs to this run:
a second run on the same instance folder refuses to start, and the Redis stops last.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from server import config
from server.embedded import InstanceBusy, start_embedded_redis

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# As create_app finds it; absolute, for children that start in ROOT.
INSTANCE = os.path.abspath(os.environ.get("INSTANCE_PATH", os.path.join(ROOT, "instance")))
BIN = os.path.dirname(sys.executable)  # the virtualenv's scripts: flask, gunicorn, rq
HEALTH_TIMEOUT = 30
STOP_TIMEOUT = 20  # the worker finishes its current job on SIGTERM
# A worker that exits (RQ quits on a Redis error between jobs) is started again, after a
# pause that doubles while it keeps dying young, so timed work goes on after an outage.
RESTART_FIRST, RESTART_MAX = 1.0, 30.0
RUN_LONG_ENOUGH = 60.0  # seconds a worker ran before its next death counts as a first

stopping = []


def on_signal(signum, frame):
    """Remember the request to stop; the main loop stops the children."""
    stopping.append(signum)


def say(message):
    print(f"runner: {message}", file=sys.stderr, flush=True)


def fail(line):
    """The one line a start that cannot go on prints (O4), with no traceback."""
    print(line, file=sys.stderr, flush=True)
    return 1


def without_password(url):
    """The URL as it may be printed: any password replaced by ***."""
    parts = urllib.parse.urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


# No proxy: an HTTP_PROXY in the environment must not catch requests to the local server.
direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def answers_health(base_url):
    try:
        with direct.open(base_url + "/healthz", timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def print_urls(public, env, settings, embedded):
    database = env.get("DATABASE_URL") or os.path.join(INSTANCE, "context-desk.sqlite3")
    lines = [
        "",
        "Context Desk is running" + (" (development)." if embedded is not None else "."),
        f"  Care Desktop     {public}/desk/",
        f"  Widget           {public}/widget/",
    ]
    if settings["MOCK_FINESSE"]:
        lines.append(f"  Finesse harness  {public}/harness/")
    lines += [
        f"  Gadget           {public}/gadget.xml",
        f"  API              {public}/api/v1/openapi.json",
        f"  Database         {without_password(database)}",
        f"  Redis            {without_password(env['REDIS_URL'])}"
        + (" (embedded)" if embedded else ""),
    ]
    if config.is_development(settings):
        from server.demo import DEMO_AGENTS

        accounts = ", ".join(f"{user} / {password}" for user, password, _ in DEMO_AGENTS)
        lines += [
            f"  Demo sign-in     {accounts}",
            f"  Integration key  {settings['INTEGRATION_KEY']} (X-Integration-Key, development)",
        ]
    lines.append("Ctrl-C stops it.")
    print("\n".join(lines), flush=True)
    if env.get("HARNESS") == "1":
        print(f"\nOpen the mock Finesse desktop: {public}/harness/\n", flush=True)


def stop_all(children):
    """Ask every child to stop gracefully, then kill the ones that do not."""
    for process in children.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT
    for name, process in children.items():
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"{name} did not stop within {STOP_TIMEOUT} s; killing it")
            process.kill()
            process.wait()


class Restarts:
    """When to start a dead worker again: at once-ish, then backing off while it keeps dying."""

    def __init__(self):
        self.pause = RESTART_FIRST
        self.started_at = time.monotonic()

    def next_pause(self):
        if time.monotonic() - self.started_at >= RUN_LONG_ENOUGH:
            self.pause = RESTART_FIRST
        pause, self.pause = self.pause, min(self.pause * 2, RESTART_MAX)
        return pause

    def wait(self, seconds):
        """Sleep `seconds` unless asked to stop; whether to start it again."""
        until = time.monotonic() + seconds
        while not stopping and time.monotonic() < until:
            time.sleep(0.1)
        self.started_at = time.monotonic()
        return not stopping


def serve(env, host, port, public, settings, embedded):
    """Run gunicorn and the RQ worker; return the exit status once stopped or one dies."""
    web = [os.path.join(BIN, "gunicorn"), "server.wsgi:app", f"--bind={host}:{port}"]
    # gthread, answering what gunicorn refuses itself (a 414) as problem+json too.
    web += ["--worker-class=server.web_worker.ThreadWorker"]
    web += [f"--threads={env.get('WEB_THREADS', '600')}"]
    web += [f"--workers={env.get('WEB_WORKERS', '1')}", "--graceful-timeout=5"]
    web += ["--timeout=0"]  # websockets hold a thread for as long as they are open
    web += ["--no-control-socket"]  # not one in $HOME that every run would share
    # server.jobs.Worker runs jobs in the app and keeps the auto-close sweep scheduled.
    worker = [
        os.path.join(BIN, "rq"),
        "worker",
        "-w",
        "server.jobs.Worker",
        "--with-scheduler",
        "--url",
        env["REDIS_URL"],
    ]
    worker += env.get("RQ_QUEUES", "default").replace(",", " ").split()
    commands = {"web server": web, "worker": worker}

    # Own sessions: a Ctrl-C reaches only the runner, which stops each child once, gracefully
    # (a second SIGINT would make the RQ worker abandon its current job).
    def start(name):
        return subprocess.Popen(commands[name], cwd=ROOT, env=env, start_new_session=True)

    children = {name: start(name) for name in commands}
    restarts = Restarts()
    deadline = time.monotonic() + HEALTH_TIMEOUT
    announced = False
    status = 0
    try:
        while not stopping:
            dead = [(name, p.returncode) for name, p in children.items() if p.poll() is not None]
            if dead and dead[0][0] == "worker" and not stopping:
                pause = restarts.next_pause()
                say(f"the worker exited with status {dead[0][1]}; starting it again in {pause:g} s")
                if restarts.wait(pause):
                    children["worker"] = start("worker")
                continue
            if dead:
                say(f"the {dead[0][0]} exited with status {dead[0][1]}; stopping")
                status = 1
                break
            if not announced:
                if answers_health(public):
                    print_urls(public, env, settings, embedded)
                    announced = True
                elif time.monotonic() > deadline:
                    say(
                        f"the web server did not answer {public}/healthz within "
                        f"{HEALTH_TIMEOUT} s; stopping"
                    )
                    status = 1
                    break
            time.sleep(0.5)
    finally:
        stop_all(children)
    return status


def check_settings(env):
    """The settings as the service will see them; ConfigError names a missing or unsafe one."""
    return config.finish({**config.DEFAULTS, **config.from_environment(env)})


def flask(command, env):
    """Run `flask --app server <command>`; return its exit status."""
    return subprocess.run(
        [os.path.join(BIN, "flask"), "--app", "server", command], check=False, cwd=ROOT, env=env
    ).returncode


def main():
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    # A wildcard bind is served on every interface; links must name one that answers.
    public = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::', '') else host}:{port}"

    env = dict(os.environ, PYTHONUNBUFFERED="1", INSTANCE_PATH=INSTANCE)
    development = config.is_development(env)
    if development:
        env.setdefault("PUBLIC_URL", public)  # FINESSE_URL follows: the mock Finesse answers
        if env.get("HARNESS") == "1":
            env.setdefault("MOCK_FINESSE", "1")
    stop_redis = None
    embedded = None  # None: not development; else whether this run's Redis is the embedded one
    try:
        if development:
            embedded = not env.get("REDIS_URL")
            if embedded:
                os.makedirs(INSTANCE, exist_ok=True)
                env["REDIS_URL"], stop_redis = start_embedded_redis(INSTANCE)
        settings = check_settings(env)

        from server.widget.i18n import compile_catalogues

        compile_catalogues()  # once, here: not in every web process
        commands = ["migrate", "seed-demo"] if development else ["migrate"]
        for command in commands:
            if stopping:
                return 0
            status = flask(command, env)
            if status != 0 and not stopping:
                say(f"`flask --app server {command}` failed with status {status}")
                return 1
        return 0 if stopping else serve(env, host, port, public, settings, embedded)
    except config.ConfigError as error:
        return fail(error.line())
    except InstanceBusy as busy:
        return fail(f"context-desk: {busy}")
    finally:
        if stop_redis:
            stop_redis()


if __name__ == "__main__":
    sys.exit(main())
