"""The Customer Context widget: server-rendered fragments for the gadget and the standalone page.

The widget's markup comes from Jinja templates in `gadget/templates/widget/`; htmx (in
`static/widget/`) swaps the fragments these views return. Inside Finesse the widget runs in a
document of the Finesse server, so every URL in its markup is absolute (`widget_url`) and every
call carries the agent's bearer token (added by `static/widget/widget.js`). Cross-origin access
itself is `server.cors`'s business.
"""

import os

from flask import Blueprint, current_app, redirect, url_for

from server.limits import LIMITS
from server.widget import i18n, present

bp = Blueprint(
    "widget",
    __name__,
    url_prefix="/widget",
    template_folder=os.path.join(i18n.ROOT, "gadget", "templates"),
)


def widget_url(path):
    """`PUBLIC_URL` + path: a relative URL inside Finesse would go to the Finesse server."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def init_app(app):
    """Languages, the helpers the templates use, and the widget's routes."""
    i18n.init_app(app)
    app.jinja_env.globals.update(present=present, widget_url=widget_url, limits=LIMITS)
    app.register_blueprint(bp)
    # The service's front door is the standalone widget (the Care Desktop's own page).
    app.add_url_rule("/", "index", lambda: redirect(url_for("widget.page")))


from server.widget import activity, pages, records, workspace  # noqa: E402,F401  (routes register themselves)
