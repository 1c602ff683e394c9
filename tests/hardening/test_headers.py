"""Issue 12 point 7: security headers on every answer, and the widget working under them."""

import pytest

from server import cors


@pytest.mark.parametrize(
    "path", ["/widget/", "/api/v1/limits", "/healthz", "/gadget.xml", "/static/widget/widget.js"]
)
def test_nosniff_no_referrer_and_a_strict_csp_everywhere(client, path):
    response = client.get(path)
    response.close()
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    policy = dict(
        part.strip().split(" ", 1)
        for part in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"


def test_frame_ancestors_are_the_service_and_the_finesse_origins(app, client):
    policy = client.get("/widget/").headers["Content-Security-Policy"]
    ancestors = next(p for p in policy.split(";") if "frame-ancestors" in p).split()[1:]
    assert ancestors[0] == "'self'"
    # Every allowed origin but the IPv6 loopback, which CSP cannot express (see below).
    assert set(ancestors[1:]) == {o for o in cors.allowed_origins(app) if "[::1]" not in o}
    assert "*" not in ancestors and "https:" not in ancestors


def test_errors_carry_the_headers_too(client):
    response = client.get("/api/v1/customers/1")
    assert response.status_code == 401
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response.headers


def test_frame_ancestors_name_no_ipv6_literal_chromium_would_refuse(app, client):
    """Chromium logs "does not support the source expression 'http://[::1]:…'" on every page."""
    assert any("[::1]" in origin for origin in cors.allowed_origins(app))
    policy = client.get("/widget/").headers["Content-Security-Policy"]
    assert "[" not in policy
