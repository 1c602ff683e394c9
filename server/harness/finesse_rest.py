"""A mock of Finesse's REST API `GET /finesse/api/User/{id}`, for the agents configured.

It answers as Finesse does: 200 with the User XML for the agent's own credentials, 401 for
wrong or missing ones, 404 for an unknown user. SSO is mimicked with bearer tokens that
`sso_token()` signs for an agent.
"""

import base64
import binascii
import hashlib
import hmac
from xml.sax.saxutils import escape

from flask import Response, current_app, request

from server.harness.blueprint import bp

USER_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<User>
  <uri>/finesse/api/User/{id}</uri>
  <loginId>{id}</loginId>
  <loginName>{id}</loginName>
  <firstName>{first}</firstName>
  <lastName>Agent</lastName>
  <extension>{extension}</extension>
  <roles><role>Agent</role></roles>
  <state>NOT_READY</state>
  <teamId>1</teamId>
  <teamName>Default</teamName>
</User>
"""


def mock_agents(app=None):
    """`MOCK_FINESSE_AGENTS` ("id:password,…") as a dict."""
    app = app or current_app
    agents = {}
    for pair in app.config["MOCK_FINESSE_AGENTS"].split(","):
        if ":" in pair:
            agent_id, password = pair.strip().split(":", 1)
            agents[agent_id] = password
    return agents


def sso_token(agent_id, app=None):
    """The bearer token the mock identity provider issues to an agent."""
    app = app or current_app
    digest = hmac.new(
        app.config["SECRET_KEY"].encode(), f"mock-sso:{agent_id}".encode(), hashlib.sha256
    ).hexdigest()
    return f"{agent_id}.{digest}"


def _authorised(agent_id, header):
    if header.startswith("Basic "):
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        login, _, password = decoded.partition(":")
        expected = mock_agents().get(agent_id)
        return (
            login == agent_id and expected is not None and hmac.compare_digest(password, expected)
        )
    if header.startswith("Bearer "):
        return hmac.compare_digest(header[7:].strip(), sso_token(agent_id))
    return False


@bp.get("/finesse/api/User/<agent_id>")
def finesse_user(agent_id):
    if agent_id not in mock_agents():
        return Response(
            "<ApiErrors><ApiError><ErrorType>Not Found</ErrorType></ApiError></ApiErrors>",
            status=404,
            mimetype="application/xml",
        )
    if not _authorised(agent_id, request.headers.get("Authorization", "")):
        return Response(
            "<ApiErrors><ApiError><ErrorType>Unauthorized</ErrorType></ApiError></ApiErrors>",
            status=401,
            mimetype="application/xml",
            headers={"WWW-Authenticate": 'Basic realm="Finesse"'},
        )
    number = "".join(ch for ch in agent_id if ch.isdigit()) or "0"
    xml = USER_XML.format(
        id=escape(agent_id), first=escape(agent_id.capitalize()), extension=1000 + int(number[-3:])
    )
    return Response(xml, mimetype="application/xml")
