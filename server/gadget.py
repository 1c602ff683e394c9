"""gadget.xml (F1): the Finesse gadget file with the service's public URL and asset versions.

The template is the repository's top-level `gadget.xml`. The service serves it at
`/gadget.xml`; `flask --app server gadget-xml` (`make gadget`) prints the same file for upload
to the Finesse server's 3rdpartygadget area.
"""

import os
import re
import sys

import click
import jinja2
from flask import Blueprint, Response, current_app
from flask.cli import with_appcontext

from server.assets import asset_url
from server.config import LOCALES
from server.errors import Problem

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATE = "gadget.xml"
# The bridge and what it uses, in the order the gadget loads them.
SCRIPTS = {"service": "gadget/service.js", "embed": "gadget/embed.js", "bridge": "gadget/bridge.js"}
STYLES = "gadget/gadget.css"
# OpenSocial message bundles: the container hands the agent's language to `prefs.getMsg`.
MESSAGES = "gadget/messages/{}.xml"
# Written into XML attributes and a script as they are: only characters that need no escaping
# there (no quotes, no &, no <), and no path: the service answers at the root of its host.
_SAFE_URL = re.compile(
    r"https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?|https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?"
)

bp = Blueprint("gadget", __name__)

_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(ROOT),
    autoescape=False,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)


class PublicUrlError(ValueError):
    """PUBLIC_URL cannot be written into gadget.xml."""


def public_url():
    """PUBLIC_URL without a trailing slash; refused unless it is a plain http(s) origin."""
    url = (current_app.config.get("PUBLIC_URL") or "").strip().rstrip("/")
    if not _SAFE_URL.fullmatch(url):
        raise PublicUrlError(
            "PUBLIC_URL must be the service's address as agents' browsers reach it, such as "
            f"https://contextdesk.example.com:8443 (no path, no query), not {url!r}."
        )
    return url


def render():
    """The gadget file as Finesse loads it, for the current app's PUBLIC_URL."""
    base = public_url()
    return _environment.get_template(TEMPLATE).render(
        public_url=base,
        assets={
            "css": asset_url(STYLES),
            **{name: asset_url(path) for name, path in SCRIPTS.items()},
        },
        locales=LOCALES,
        messages={locale: asset_url(MESSAGES.format(locale)) for locale in LOCALES},
    )


@bp.get("/gadget.xml")
def gadget_xml():
    try:
        text = render()
    except PublicUrlError as error:
        # Said plainly to whoever opens the URL: the administrator setting it up.
        raise Problem(500, str(error), type_="/problems/misconfigured") from None
    # Finesse and its proxy cache the file anyway; ours should not add to it.
    return Response(
        text, content_type="application/xml; charset=utf-8", headers={"Cache-Control": "no-cache"}
    )


@click.command("gadget-xml")
@with_appcontext
def gadget_xml_command():
    """Print gadget.xml for PUBLIC_URL (make gadget writes it to build/gadget.xml)."""
    try:
        text = render()
    except PublicUrlError as error:
        raise click.ClickException(str(error)) from None
    if public_url().startswith("http://"):
        print(
            "gadget-xml: PUBLIC_URL is http://; Finesse 12.5 and later load gadgets over "
            "https only.",
            file=sys.stderr,
        )
    click.echo(text, nl=False)


def init_app(app):
    app.register_blueprint(bp)
    app.cli.add_command(gadget_xml_command)
