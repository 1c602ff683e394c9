"""The harness's gadget container: renders a gadget file into the page its iframe shows.

Finesse's container (Shindig) does this at `/gadgets/ifr?url=…`: it fetches the gadget XML,
checks the features it requires, replaces `__UP_name__` (user prefs: `scheme`, `host`,
`hostPort` are the Finesse server's own address) and `__MSG_key__` (the message bundle of the
agent's language), and serves the Content with the `gadgets.*` features in front of it. The
gadget's query string stays in the iframe's `url` parameter, where gadgets read settings.
"""

import html
import re
import urllib.parse
import xml.etree.ElementTree as ET

import requests
from flask import current_app, render_template, request

from server.cors import allowed_origins, origin_of
from server.errors import Problem
from server.harness.blueprint import bp
from server.harness.desktop import harness_asset

# What the harness's gadgets.* shim and finesse.js stand-in provide.
FEATURES = {"pubsub-2", "setprefs", "settitle", "dynamic-height", "loadingindicator"}
FETCH_TIMEOUT = 5
_PLACEHOLDER = re.compile(r"__(UP|MSG)_([A-Za-z0-9_.\-]+?)__")

# No proxy from the environment: the gadget lives on this machine in development.
_http = requests.Session()
_http.trust_env = False


class GadgetError(Problem):
    """The gadget cannot be rendered; said the way a container would say it."""

    def __init__(self, detail):
        super().__init__(502, detail, type_="/problems/gadget")


def service_url(path_or_url):
    """`path_or_url` as a URL of this service (PUBLIC_URL), or a GadgetError.

    Never the request's Host header: `Host: 127.0.0.1:8899` made the harness fetch from
    another local port (server-side request forgery).
    """
    public = current_app.config["PUBLIC_URL"].rstrip("/") + "/"
    url = urllib.parse.urljoin(public, path_or_url or "")
    parts = urllib.parse.urlsplit(url)
    if origin_of(url) != origin_of(public) or parts.username or parts.password:
        raise GadgetError("The harness renders gadgets of this service only.")
    return url


def _fetch(url):
    url = service_url(url)
    try:
        response = _http.get(url, timeout=FETCH_TIMEOUT, allow_redirects=False)
    except requests.RequestException:
        # One message for every failure: which ports answer is nobody's business.
        raise GadgetError("The gadget could not be fetched from this service.") from None
    if response.status_code != 200:
        raise GadgetError("The gadget could not be fetched from this service.")
    return response.content


def _parse(url, content):
    try:
        return ET.fromstring(content)
    except ET.ParseError:
        raise GadgetError("The gadget is not well-formed XML.") from None


def load_gadget(url):
    """The parts of a gadget file a container uses: features, prefs, locales, content."""
    module = _parse(url, _fetch(url))
    prefs_element = module.find("ModulePrefs")
    content = module.find("Content")
    if module.tag != "Module" or prefs_element is None or content is None:
        raise GadgetError("Not a gadget: no <Module>, <ModulePrefs> or <Content>.")
    if content.get("type", "html") != "html":
        raise GadgetError('Only <Content type="html"> gadgets are supported.')
    return {
        "title": prefs_element.get("title", ""),
        "features": [require.get("feature") for require in prefs_element.findall("Require")],
        "locales": {
            locale.get("lang"): urllib.parse.urljoin(url, locale.get("messages", ""))
            for locale in prefs_element.findall("Locale")
            if locale.get("messages")
        },
        "prefs": {
            pref.get("name"): pref.get("default_value", "") for pref in module.findall("UserPref")
        },
        "content": content.text or "",
    }


def messages_for(gadget, lang):
    """The message bundle for a language, else the default one (no `lang`), else none."""
    url = gadget["locales"].get(lang) or gadget["locales"].get(None)
    if not url:
        return {}
    bundle = _parse(url, _fetch(url))
    return {msg.get("name"): (msg.text or "") for msg in bundle.findall("msg")}


def substitute(text, prefs, messages):
    """The gadget's placeholders filled in; the values are text, escaped for the HTML."""

    def replace(match):
        kind, name = match.groups()
        source = prefs if kind == "UP" else messages
        return html.escape(source[name]) if name in source else match.group(0)

    return _PLACEHOLDER.sub(replace, text)


@bp.get("/harness/gadgets/ifr")
def render_gadget():
    """The gadget's iframe page: `?url=<gadget URL>&lang=nl&panel=1`."""
    # The page's own address stands for the Finesse server (its finesse.js): only one of the
    # service's own names (PUBLIC_URL and its loopback aliases), not any Host header.
    if origin_of(request.host_url) not in allowed_origins():
        raise Problem(400, "The harness answers on the service's own addresses only.")
    # Only gadgets of this service: the harness is no proxy to anywhere else.
    gadget = load_gadget(service_url(request.args.get("url", "")))
    missing = sorted(set(gadget["features"]) - FEATURES)
    if missing:
        raise GadgetError(
            "The harness does not provide the feature(s) "
            f"{', '.join(missing)} that the gadget requires."
        )
    lang = request.args.get("lang", "en")
    messages = messages_for(gadget, lang)
    # The hidden prefs name the Finesse server: here, the harness that renders the gadget.
    here = urllib.parse.urlsplit(request.host_url)
    host = f"[{here.hostname}]" if ":" in here.hostname else here.hostname
    port = here.port or (443 if here.scheme == "https" else 80)
    prefs = dict(gadget["prefs"], scheme=here.scheme, host=host, hostPort=str(port))
    return render_template(
        "harness/gadget_frame.html",
        content=substitute(gadget["content"], prefs, messages),
        title=substitute(gadget["title"], prefs, messages),
        messages=messages,
        prefs=prefs,
        features=gadget["features"],
        lang=lang,
        gadgets_js=harness_asset("harness/gadgets.js"),
    )
