"""Fragment responses for htmx.

Inside Finesse the widget's requests are cross-origin, and a cross-origin script sees only the
response headers CORS exposes; so nothing here relies on htmx's `HX-*` response headers. What
a response has to say besides its main markup travels in the markup: out-of-band swaps
(`hx-swap-oob`) for messages, and `data-cd-record`/`data-cd-version` marks that the widget's
scripts read to move the on-screen versions on.
"""

from flask import make_response, render_template


def fragment(template, status=200, **context):
    """Render a template as a fragment response with `status`."""
    response = make_response(render_template(template, **context), status)
    # Fragments hold one agent's data: never cached, and they differ by language.
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept-Language")
    return response
