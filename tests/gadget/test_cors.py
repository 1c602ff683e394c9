"""CORS for the gadget's cross-origin calls (F1, F2): Finesse's origin may, others may not."""

import pytest
from flask import Flask

from server.cors import allowed_origins, init_app, is_allowed, origin_of

FINESSE = "https://finesse-a.example.com:8445"


def preflight(client, path, origin, method="POST", headers="authorization, content-type"):
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


@pytest.fixture
def finesse_app():
    """An app configured as in production: Finesse on its own host, no mock."""
    app = Flask(__name__)
    app.config.update(
        PUBLIC_URL="https://contextdesk.example.com",
        FINESSE_URL=FINESSE + "/",
        ALLOWED_ORIGINS=" https://finesse-b.example.com:8445 ,",
        MOCK_FINESSE=False,
    )

    @app.post("/api/v1/interactions")
    def interactions():
        return {"ok": True}, 201

    @app.get("/widget/")
    def widget():
        return "<div></div>", 200, {"HX-Trigger": "refreshed"}

    @app.get("/gadget.xml")
    def gadget():
        return "<Module/>"

    init_app(app)
    return app


def test_F2_preflight_allowed_for_the_finesse_origin(finesse_app):
    response = preflight(finesse_app.test_client(), "/api/v1/interactions", FINESSE)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == FINESSE
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "Origin" in response.headers.get("Vary", "")


def test_F2_preflight_allowed_for_a_second_finesse_node(finesse_app):
    origin = "https://finesse-b.example.com:8445"
    response = preflight(finesse_app.test_client(), "/api/v1/interactions", origin)
    assert response.headers["Access-Control-Allow-Origin"] == origin


def test_F2_preflight_refused_for_a_foreign_origin(finesse_app):
    client = finesse_app.test_client()
    for origin in (
        "https://evil.example.com",
        "https://finesse-a.example.com.evil.com:8445",
        "http://finesse-a.example.com:8445",
        "null",
    ):
        response = preflight(client, "/api/v1/interactions", origin)
        assert "Access-Control-Allow-Origin" not in response.headers, origin
        response = client.post("/api/v1/interactions", headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in response.headers, origin


def test_F2_htmx_headers_exposed_on_widget_responses(finesse_app):
    response = finesse_app.test_client().get("/widget/", headers={"Origin": FINESSE})
    assert response.headers["Access-Control-Allow-Origin"] == FINESSE
    exposed = response.headers["Access-Control-Expose-Headers"]
    assert "HX-Trigger" in exposed and "HX-Retarget" in exposed


def test_F2_htmx_request_headers_pass_the_preflight(finesse_app):
    response = preflight(
        finesse_app.test_client(),
        "/widget/",
        FINESSE,
        method="GET",
        headers="hx-request, hx-current-url, hx-target",
    )
    assert response.headers["Access-Control-Allow-Origin"] == FINESSE
    assert "hx-current-url" in response.headers["Access-Control-Allow-Headers"].lower()


def test_no_cors_outside_the_cross_origin_paths(finesse_app):
    response = finesse_app.test_client().get("/gadget.xml", headers={"Origin": FINESSE})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_allowed_origins_and_is_allowed_for_the_socket(finesse_app):
    assert allowed_origins(finesse_app) == {
        "https://contextdesk.example.com",
        FINESSE,
        "https://finesse-b.example.com:8445",
    }
    assert is_allowed(FINESSE, finesse_app)
    assert is_allowed("HTTPS://FINESSE-A.example.com:8445", finesse_app)
    assert not is_allowed("https://evil.example.com", finesse_app)
    assert not is_allowed("", finesse_app)
    assert not is_allowed(None, finesse_app)
    # Loopback names are only for the harness (MOCK_FINESSE).
    assert not is_allowed("http://localhost:8000", finesse_app)


def test_origin_of_drops_default_ports_and_paths():
    assert origin_of("https://host.example.com:443/gadget.xml") == "https://host.example.com"
    assert origin_of("http://host:8080/") == "http://host:8080"
    assert origin_of("http://[::1]:8000") == "http://[::1]:8000"
    assert origin_of("ftp://host") is None
    assert origin_of("http://host:port") is None
    assert origin_of("") is None


def test_F4_harness_on_another_loopback_name_is_allowed(app, client):
    """In development the harness may be opened as localhost while PUBLIC_URL says 127.0.0.1."""
    port = app.live_server.server.server_port
    for origin in (f"http://localhost:{port}", f"http://127.0.0.1:{port}", f"http://[::1]:{port}"):
        response = preflight(client, "/api/v1/session", origin)
        assert response.headers.get("Access-Control-Allow-Origin") == origin, origin
        assert is_allowed(origin, app)
    response = preflight(client, "/api/v1/session", f"http://localhost:{port + 1}")
    assert "Access-Control-Allow-Origin" not in response.headers
