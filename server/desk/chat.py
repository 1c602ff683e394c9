"""The customer chat widget's panel (D9): the markup `static/chat/chat.js` puts on a website,
in the visitor's language. An adapter only: the chat itself is the API's (`/api/v1/chats`)."""

from flask import Blueprint, make_response, render_template, request

from server.assets import asset_url
from server.widget import i18n
from server.widget.render import fragment

bp = Blueprint("chat", __name__, url_prefix="/chat")


@bp.get("/panel")
def panel():
    """`?locale=` (the page's or the browser's language) picks the panel's language."""
    response = fragment(
        "chat/panel.html", lang=i18n.locale_code(), stylesheet=asset_url("chat/chat.css")
    )
    response.headers["Content-Language"] = i18n.locale_code()
    return response


@bp.get("/demo")
def demo():
    """A page with the chat widget on it, as a website would have it (for trying it out);
    `?name=&email=` play a website that knows its visitor (the tag's data-name, data-email)."""
    return make_response(
        render_template(
            "chat/demo.html",
            script=asset_url("chat/chat.js"),
            lang=i18n.locale_code(),
            visitor_name=request.args.get("name", "")[:200],
            visitor_email=request.args.get("email", "")[:320],
        )
    )
