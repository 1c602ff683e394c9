"""O3: a body over MAX_CONTENT_LENGTH is a 413 problem however it is sent (API.md: 413)."""

import io

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response


def post_streamed(app, path, body, headers=None):
    """POST with no Content-Length, as a chunked request reaches the app under gunicorn."""
    environ = EnvironBuilder(
        path=path,
        method="POST",
        content_type="application/json",
        headers=headers,
        input_stream=io.BytesIO(body),
    ).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input_terminated"] = True  # the server ends the stream (gunicorn does)
    environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    return Response.from_app(app, environ)


def test_O3_a_streamed_body_over_the_limit_is_413_on_sign_in(app):
    response = post_streamed(app, "/api/v1/session", b"[" * (10 * 1024 * 1024))
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_O3_a_streamed_body_over_the_limit_is_413_when_signed_in(app, agent):
    response = post_streamed(
        app,
        "/api/v1/customers",
        b'{"name": "' + b"a" * (10 * 1024 * 1024) + b'"}',
        headers={"Authorization": f"Bearer {agent.token}"},
    )
    assert response.status_code == 413


def test_O3_a_streamed_body_within_the_limit_is_read(app, agent):
    response = post_streamed(
        app,
        "/api/v1/customers",
        b'{"name": "Streamed"}',
        headers={"Authorization": f"Bearer {agent.token}"},
    )
    assert response.status_code == 201
