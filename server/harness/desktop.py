"""The mock Finesse desktop (F4): the harness page, Finesse's script path and a mock SSO sign-in.

The gadget loads `finesse.js` from `/desktop/assets/js/` on the Finesse server; here the
harness answers that path with its own stand-in (Cisco's file may not be shipped).
"""

import hmac

from flask import Response, current_app, render_template, request, send_from_directory

from server.assets import version_of
from server.errors import Invalid
from server.harness.blueprint import bp
from server.harness.finesse_rest import mock_agents, sso_token
from server.services.sessions import Unauthorized

# Finesse's locales as its config names them; the gadget maps them to its own languages.
LOCALES = (
    ("en_US", "English"),
    ("nl_NL", "Nederlands"),
    ("fr_FR", "Français"),
    ("tr_TR", "Türkçe"),
)
# The layout's gadget URL: MRD 5000 is the chat domain, 5001 the email one (see finesse.js).
DEFAULT_GADGET_URL = "/gadget.xml?mrd=5000,5001"
SSO_TOKEN_LIFETIME = 3600


def harness_asset(name):
    """A static file as the Finesse server's own page names it: on this host, versioned."""
    return f"/static/{name}?v={version_of(name)}"


@bp.get("/harness/")
def harness_page():
    return render_template(
        "harness/desktop.html",
        agents=sorted(mock_agents()),
        locales=LOCALES,
        gadget_url=request.args.get("gadget", DEFAULT_GADGET_URL),
        side_gadget_url=public_url() + "/harness/crm-gadget.xml",
        desktop_js=harness_asset("harness/desktop.js"),
        desktop_css=harness_asset("harness/desktop.css"),
    )


@bp.get("/desktop/assets/js/finesse.js")
def finesse_js():
    return send_from_directory(
        current_app.static_folder, "harness/finesse.js", mimetype="text/javascript", max_age=0
    )


@bp.post("/harness/sso-token")
def mock_sso_token():
    """The mock identity provider: an agent's id and password for a bearer token."""
    data = request.get_json(silent=True)
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("id"), str)
        or not isinstance(data.get("password"), str)
    ):
        raise Invalid({"_schema": ['Send {"id": ..., "password": ...}.']})
    expected = mock_agents().get(data["id"])
    if expected is None or not hmac.compare_digest(data["password"], expected):
        raise Unauthorized("Unknown agent or wrong password.")
    return {"token": sso_token(data["id"]), "expires_in": SSO_TOKEN_LIFETIME}


def public_url():
    return current_app.config["PUBLIC_URL"].rstrip("/")


@bp.get("/harness/crm-gadget.xml")
def crm_gadget():
    """A second, small gadget for the harness's desktops: a sample CRM that pushes a customer
    or an email into Customer Context over the Finesse hub (F5, docs/finesse.md). Its script
    is a file (no inline script) from the service's PUBLIC_URL."""
    xml = render_template(
        "harness/crm_gadget.xml",
        script=public_url() + harness_asset("harness/crm_gadget.js"),
        css=public_url() + harness_asset("harness/desktop.css"),
    )
    return Response(xml, mimetype="application/xml")
