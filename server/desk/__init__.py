"""The Care Desktop at `/desk/` (D1–D5): the widget plus the queue, Ready / Not Ready, offers
and the communication pane, for agents without Finesse. An adapter only: the page and its
fragments render what `server/services/desk.py` and `tasks.py` return; the desk's scripts
(`static/desk/`) call the JSON API for every change and `/ws` for live events.

The customer's context is the widget's own (`gadget/templates/widget/`, served by
`server/widget/records.py`): the desk page includes the widget's markup and loads its scripts
as `widget_scripts()` lists them, so there is one widget, not a copy.
"""

from flask import Blueprint, current_app, g, make_response, render_template
from flask_babel import gettext as _

from server.assets import asset_url
from server.auth import login_required
from server.config import LOCALES
from server.labels import medium_label
from server.models import MEDIA
from server.services import desk, tasks
from server.services.paging import Page
from server.widget import pages
from server.widget.blueprint import widget_url
from server.widget.render import fragment

bp = Blueprint("desk", __name__, url_prefix="/desk")

# Loaded after the widget's scripts, in this order: desk.js starts the others.
SCRIPTS = ("desk/lists.js", "desk/offer.js", "desk/pane.js", "desk/desk.js")
STYLES = ("desk/desk.css",)


def init_app(app):
    from server.desk import chat

    app.register_blueprint(bp)
    app.register_blueprint(chat.bp)


def desk_messages():
    """The texts the desk's scripts show, in the agent's language."""
    return {
        "signedInAs": _("Signed in as %(name)s", name="{name}"),
        "offerTimedOut": _(
            "You did not accept the offered task in time, so your status is now Not Ready."
        ),
        "oneConversation": _(
            "You are already handling a conversation. End it before you accept another task."
        ),
        "taskTaken": _("Another agent has taken this task."),
        "offerExpired": _("The offer ran out before you accepted it."),
        "declined": _("You declined the task, so your status is now Not Ready."),
        "notYours": _("This task is not yours."),
        "chatEnded": _("This chat has ended."),
        "customerLeftWaiting": _("The customer left before the chat was accepted."),
        "customerLeft": _("The customer has left the chat."),
        "newTask": _("New task"),
        "secondsLeft": _("%(count)s seconds left to accept", count="{count}"),
        "you": _("You"),
        "typing": _("The customer is typing…"),
        "customer": _("Customer"),
        "waited": _("Waiting %(time)s", time="{time}"),
        "failed": _("Something went wrong on our side. Try again in a moment."),
        "network": _("Context Desk cannot be reached. Check the connection and try again."),
        "signInFailed": _("Signing in did not work. Check the user name and password."),
        "tooMany": _("Too many attempts. Wait a minute and try again."),
        "sessionEnded": _("Your session has ended. Sign in again to go on."),
        "media": {medium: medium_label(medium) for medium in MEDIA},
    }


@bp.get("/")
def page():
    """The desk: a sign-in form until the agent has signed in, then the desk itself."""
    context = pages.widget_context()
    context.update(
        fragment=False,
        desk_messages=desk_messages(),
        desk_styles=[asset_url(name) for name in STYLES],
        desk_scripts=[asset_url(name) for name in SCRIPTS],
        languages=[(code, pages.LANGUAGE_NAMES[code]) for code in LOCALES],
        offer_timeout=current_app.config["OFFER_TIMEOUT"],
    )
    response = make_response(render_template("desk/page.html", **context))
    response.headers["Content-Language"] = context["lang"]
    response.vary.add("Accept-Language")
    return response


@bp.get("/lists")
@login_required
def lists():
    """The Queue and Active tasks lists, as they are now (reloaded on each `queue` event)."""
    return fragment("desk/lists.html", lists=desk.queue(g.agent.id))


@bp.get("/tasks/<task_id>/preview")
@login_required
def preview(task_id):
    """A queued task's customer, open requests and recent journey, read-only (D2)."""
    shown = tasks.context(g.agent.id, task_id)
    return fragment(
        "desk/preview.html",
        shown=shown,
        customer=shown.customer,
        # The first page only, and no Move forms: a preview changes nothing.
        journey=Page(shown.journey.items, None),
        requests=[],
        cursor=None,
        current_activity_id=None,
    )


@bp.get("/tasks/<task_id>/journey/<change_id>")
@login_required
def journey_entry(task_id, change_id):
    """One journey entry of a previewed task's customer, in full (D2: selected or hovered)."""
    return fragment(
        "desk/journey_entry.html", shown=desk.journey_entry(g.agent.id, task_id, change_id)
    )


@bp.get("/tasks/<task_id>/pane")
@login_required
def pane(task_id):
    """The communication pane of the agent's own task: chat, call or email (D1)."""
    return fragment("desk/pane.html", pane=desk.pane(g.agent.id, task_id), url=widget_url)
