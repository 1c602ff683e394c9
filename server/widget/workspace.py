"""The customer management pane: the Open and Recent lists and Search (C8, C9)."""

from flask import g, request

from server.auth import login_required
from server.models import Request
from server.services import customers, workspace
from server.widget import bp
from server.widget.render import fragment


class Entry:
    """One line of the Open or Recent list: the customer, the interaction and its request."""

    def __init__(self, row, requests):
        self.customer = row.customer
        self.customer_id = row.customer_id
        self.activity = row.activity if row.activity_id is not None else None
        self.request = requests.get(self.activity.request_id) if self.activity else None
        self.updated_at = row.updated_at


def entries(rows):
    """Workspace rows as list entries, with all their requests loaded in one query."""
    request_ids = {row.activity.request_id for row in rows if row.activity_id is not None}
    requests = (
        {item.id: item for item in Request.select().where(Request.id.in_(list(request_ids)))}
        if request_ids
        else {}
    )
    return [Entry(row, requests) for row in rows]


def lists(select=None, status=200):
    """The Open list, with the Recent list and both counts out of band.

    `select` names a customer widget.js shows once the lists are in (after a reopen).
    """
    open_rows, recent_rows = workspace.entries(g.agent.id)
    return fragment(
        "widget/workspace.html",
        status,
        open_entries=entries(open_rows),
        recent_entries=entries(recent_rows),
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
    text = request.args.get("q", "")[:200]
    page = customers.search(text, request.args.get("cursor") or None, 20)
    open_rows, _recent = workspace.entries(g.agent.id)
    open_ids = {row.customer_id for row in open_rows}
    template = "widget/search_items.html" if request.args.get("cursor") else "widget/search.html"
    return fragment(template, page=page, q=text.strip(), open_ids=open_ids)
