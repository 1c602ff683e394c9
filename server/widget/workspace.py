"""The customer management pane: the Open and Recent lists and Search (C8, C9)."""

from flask import g, request

from server.auth import login_required
from server.limits import LIMITS
from server.services import customers, workspace
from server.widget.blueprint import bp
from server.widget.render import fragment


def lists(select=None, status=200):
    """The Open list, with the Recent list and both counts out of band.

    `select` names a customer widget.js shows once the lists are in (after a reopen).
    """
    shown = workspace.lists(g.agent.id)
    return fragment(
        "widget/workspace.html",
        status,
        open_entries=shown.open,
        recent_entries=shown.recent,
        select=select,
    )


@bp.get("/workspace")
@login_required
def workspace_lists():
    return lists()


@bp.post("/workspace/open")
@login_required
def reopen():
    """Bring a customer back into Open from Recent or from search (C9), and show it."""
    customer = workspace.reopen(g.agent.id, request.form.get("customer_id", ""))
    return lists(select=customer.id)


@bp.post("/workspace/close")
@login_required
def close():
    """Close: the customer leaves Open for Recent (C8); the prompts happen before, in the widget."""
    workspace.close(g.agent.id, customer_id=request.form.get("customer_id", ""))
    return lists()


@bp.get("/search")
@login_required
def search():
    """Search results (C9), each with the action that opens the customer."""
    text = request.args.get("q", "")[: LIMITS["search"]]
    page = customers.search(text, request.args.get("cursor") or None, 20)
    open_ids = workspace.open_customer_ids(g.agent.id)
    template = "widget/search_items.html" if request.args.get("cursor") else "widget/search.html"
    return fragment(template, page=page, q=text.strip(), open_ids=open_ids)
