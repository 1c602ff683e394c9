"""The widget's blueprint and the one URL helper its views and templates share."""

import os

from flask import Blueprint, current_app

from server.widget import i18n

bp = Blueprint(
    "widget",
    __name__,
    url_prefix="/widget",
    template_folder=os.path.join(i18n.ROOT, "gadget", "templates"),
)


def widget_url(path):
    """`PUBLIC_URL` + path: a relative URL inside Finesse would go to the Finesse server."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + path
