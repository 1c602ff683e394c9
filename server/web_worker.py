"""gunicorn's threaded worker, answering the requests it refuses itself as problem+json.

gunicorn refuses a request line over 8190 bytes (414), too many or too large headers (431)
and malformed requests (400) before the application sees them, with an HTML page that
echoes part of the request. Clients of the API get the same problem+json as for any other
error (O3), and nothing of what they sent.
"""

import json
from http import HTTPStatus

from gunicorn.http import errors
from gunicorn.util import write_nonblock
from gunicorn.workers.gthread import ThreadWorker as GunicornThreadWorker

_STATUS = (
    (errors.LimitRequestLine, HTTPStatus.REQUEST_URI_TOO_LONG),
    (errors.LimitRequestHeaders, HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE),
    (errors.UnsupportedTransferCoding, HTTPStatus.NOT_IMPLEMENTED),
    (errors.ExpectationFailed, HTTPStatus.EXPECTATION_FAILED),
    (errors.ParseException, HTTPStatus.BAD_REQUEST),
)


def problem_bytes(status):
    """A whole HTTP response: the problem+json for `status`, and the connection closed."""
    body = json.dumps(
        {
            "type": "about:blank",
            "title": status.phrase,
            "status": status.value,
            "detail": status.description,
        }
    ).encode()
    head = (
        f"HTTP/1.1 {status.value} {status.phrase}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/problem+json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "X-Content-Type-Options: nosniff\r\n\r\n"
    )
    return head.encode("latin-1") + body


# Not the client's malformed request: gunicorn's own answer stands.
_NOT_OURS = (
    errors.ConfigurationProblem,
    errors.ForbiddenProxyRequest,
    errors.InvalidResponseHeader,
    errors.InvalidResponseHeaderName,
)


class ThreadWorker(GunicornThreadWorker):
    def handle_error(self, req, client, addr, exc):
        status = next((code for kind, code in _STATUS if isinstance(exc, kind)), None)
        if status is None or isinstance(exc, _NOT_OURS):
            return super().handle_error(req, client, addr, exc)
        self.log.warning("refused a request from %s: %s", (addr or ("",))[0], type(exc).__name__)
        try:
            write_nonblock(client, problem_bytes(status))
        except OSError:
            self.log.debug("could not send the refusal")
