"""The widget's page: the whole standalone page, or just the widget's markup for the gadget."""

import os

from flask import current_app, make_response, render_template, request
from flask_babel import gettext as _

from server.assets import asset_url
from server.config import LOCALES
from server.labels import too_long
from server.limits import LIMITS, TAG
from server.widget import i18n
from server.widget.blueprint import bp

LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands", "fr": "Français", "tr": "Türkçe"}

STYLES = ("widget/widget.css",)
# In load order (classic scripts on one namespace, see static/widget/widget.js): htmx, the
# shared DOM helpers, the transport (requests, the live socket), the widget, its parts, and
# live.js, which ties the live parts up, last.
SCRIPTS = (
    "widget/vendor/htmx.min.js",
    "widget/dom.js",
    "widget/http.js",
    "widget/socket.js",
    "widget/widget.js",
    "widget/lists.js",
    "widget/forms.js",
    "widget/drafts.js",
    "widget/tags.js",
    "widget/stale.js",
    "widget/presence.js",
    "widget/live.js",
)


def widget_styles():
    """The stylesheets a page embedding the widget links (absolute, versioned)."""
    return [asset_url(name) for name in STYLES]


def widget_scripts():
    """The scripts a page embedding the widget loads, in order."""
    return [
        asset_url(name)
        for name in SCRIPTS
        if os.path.exists(os.path.join(current_app.static_folder, name))
    ]


def js_messages():
    """The texts the widget's script shows, in the agent's language (from the catalogues)."""
    count = "{count}"
    return {
        "charsLeft": _("Characters left: %(count)s", count=count),
        "charsOver": _("Characters over the limit: %(count)s", count=count),
        "tagTooLong": too_long("name_tag", TAG, count),
        "tagDuplicate": _("“%(name)s” is already a tag of this interaction.", name="{name}"),
        "sessionEnded": _("Your session has ended. Sign in again to go on."),
        "network": _("Context Desk cannot be reached. Check the connection and try again."),
        "notFound": _("This record no longer exists. The list has been refreshed."),
        "failed": _("Something went wrong on our side. Try again in a moment."),
        "tooMany": _("Too many attempts. Wait a minute and try again."),
        "signInFailed": _("Signing in did not work. Check the user name and password."),
        "draftRestored": _("Your unsaved text is back: %(fields)s.", fields="{fields}"),
        "draftSave": _("Save"),
        "draftDiscard": _("Discard"),
        "newInteraction": _("A new interaction came in: %(name)s.", name="{name}"),
        "show": _("Show"),
    }


def widget_context():
    """What the widget's markup needs, on the page and in the gadget alike."""
    return {
        "lang": i18n.locale_code(),
        "messages": js_messages(),
        "limits": LIMITS,
        "base": current_app.config["PUBLIC_URL"].rstrip("/"),
        "styles": widget_styles(),
        "scripts": widget_scripts(),
    }


@bp.get("/")
def page():
    """`/widget/`: the widget on a page of its own, or (`?fragment=1`) its markup for the gadget."""
    context = widget_context()
    if request.args.get("fragment") in ("1", "true", "yes"):
        response = make_response(render_template("widget/widget.html", fragment=True, **context))
    else:
        context.update(
            page_script=asset_url("widget/page.js"),
            favicon=asset_url("favicon.svg"),
            languages=[(code, LANGUAGE_NAMES[code]) for code in LOCALES],
            mock_finesse=current_app.config["MOCK_FINESSE"],
        )
        response = make_response(render_template("widget/page.html", fragment=False, **context))
    response.headers["Content-Language"] = context["lang"]
    response.vary.add("Accept-Language")
    return response
