"""The Customer Context widget: server-rendered fragments for the gadget and the standalone page.

The widget's markup comes from Jinja templates in `gadget/templates/widget/`; htmx (in
`static/widget/`) swaps the fragments these views return. Inside Finesse the widget runs in a
document of the Finesse server, so every URL in its markup is absolute (`widget_url`) and every
call carries the agent's bearer token (added by `static/widget/http.js`). Cross-origin access
itself is `server.cors`'s business.
"""

from flask import redirect, url_for

from server.limits import LIMITS
from server.widget import (  # noqa: F401  (the routes register themselves)
    activity,
    i18n,
    pages,
    present,
    records,
    workspace,
)
from server.widget.blueprint import bp, widget_url


def init_app(app):
    """Languages, the helpers the templates use, and the widget's routes."""
    i18n.init_app(app)
    app.jinja_env.globals.update(present=present, widget_url=widget_url, limits=LIMITS)
    app.register_blueprint(bp)
    # The service's front door is the Care Desktop (which has the widget in it).
    app.add_url_rule("/", "index", lambda: redirect(url_for("desk.page")))
    # Browsers ask every top-level page's origin for /favicon.ico; answer, not a 404.
    app.add_url_rule(
        "/favicon.ico", "favicon", lambda: redirect(url_for("static", filename="favicon.svg"))
    )
