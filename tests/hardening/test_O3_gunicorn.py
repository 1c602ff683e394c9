"""O3: what gunicorn refuses before the application (a 414, a 431) is problem+json too."""

import json
import socket

import pytest

from tests.live.servers import ServerProcess

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(app, database_url, redis_url, tmp_path_factory):
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "MOCK_FINESSE": "1",
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("gunicorn")),
    }
    # The worker class `make run` uses (server/runner.py).
    process = ServerProcess(env, worker_class="server.web_worker.ThreadWorker")
    try:
        yield process.wait_ready()
    finally:
        process.stop()


def raw(server, request):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def test_O3_a_uri_too_long_is_a_414_problem(server):
    status, headers, body = raw(
        server, b"GET /api/v1/customers?q=" + b"a" * 10000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    assert status == 414
    assert headers["Content-Type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == 414 and problem["title"] == "Request-URI Too Long"
    assert b"aaaa" not in body  # nothing of the request is echoed


def test_O3_too_many_headers_is_a_431_problem(server):
    many = b"".join(b"X-H%d: v\r\n" % index for index in range(200))
    status, headers, body = raw(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
    assert status == 431
    assert headers["Content-Type"] == "application/problem+json"
    assert json.loads(body)["status"] == 431


def test_O3_a_malformed_request_line_is_a_400_problem(server):
    status, headers, body = raw(server, b"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 400
    assert headers["Content-Type"] == "application/problem+json"


def test_O3_a_chunked_body_over_the_limit_is_a_413_problem(server):
    """Without a Content-Length the limit is found while reading: still 413, not 400."""
    chunk = b"[" * 65536
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(
            b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        try:
            for _ in range(160):  # 10 MB
                connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            connection.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the service stopped reading once it had seen enough: the answer is sent
        answer = b""
        try:
            while part := connection.recv(65536):
                answer += part
        except ConnectionResetError:
            pass
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split()[1] == b"413", head
    assert b"application/problem+json" in head
    assert json.loads(body)["status"] == 413
