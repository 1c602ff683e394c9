"""Issue 12 point 3: the harness fetches gadgets from PUBLIC_URL only (no SSRF through the
Host header or the url parameter), escapes what it fills in, and says nothing of ports."""

import socket
import threading

import pytest

from server.harness.container import substitute


@pytest.fixture
def listener():
    """Another local port, as an attacker would aim at: records whether anything connected."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    hits = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            hits.append(connection.recv(4096))
            connection.sendall(b"HTTP/1.0 200 OK\r\n\r\n<Module><ModulePrefs/><Content/></Module>")
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join()
    server.close()


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_forged_host_header_fetches_nothing(client, listener):
    port, hits = listener
    response = client.get(
        "/harness/gadgets/ifr?url=/gadget.xml", base_url=f"http://127.0.0.1:{port}/"
    )
    assert response.status_code == 400
    assert hits == []


def test_the_url_parameter_reaches_only_this_service(client, listener, app):
    port, hits = listener
    answers = set()
    for url in (
        f"http://127.0.0.1:{port}/gadget.xml",
        f"http://127.0.0.1:{closed_port()}/gadget.xml",
        f"//127.0.0.1:{port}/gadget.xml",
        f"{app.config['PUBLIC_URL']}@127.0.0.1:{port}/gadget.xml",
        "file:///etc/passwd",
    ):
        response = client.get(
            "/harness/gadgets/ifr", query_string={"url": url}, base_url=app.config["PUBLIC_URL"]
        )
        assert response.status_code == 502, url
        answers.add(response.get_data())
    assert hits == []
    assert len(answers) == 1  # an open port and a closed one read the same


def test_the_service_own_gadget_still_renders_cross_origin(client, app):
    harness_url = f"http://localhost:{app.live_server.server.server_port}"  # not PUBLIC_URL
    response = client.get("/harness/gadgets/ifr?url=/gadget.xml&lang=en", base_url=harness_url)
    assert response.status_code == 200
    assert b"finesse.modules.ContextDesk.init" in response.data
    assert b"localhost" in response.data  # the Finesse address is the page's own


def test_filled_in_values_are_escaped():
    text = substitute("<p>__MSG_greeting__</p>", {}, {"greeting": "<script>alert(1)</script>"})
    assert text == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
