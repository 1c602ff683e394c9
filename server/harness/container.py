"""The harness's gadget container: renders a gadget file into the page its iframe shows.

Finesse's container (Shindig) does this at `/gadgets/ifr?url=…`: it fetches the gadget XML,
checks the features it requires, replaces `__UP_name__` (user prefs: `scheme`, `host`,
`hostPort` are the Finesse server's own address) and `__MSG_key__` (the message bundle of the
agent's language), and serves the Content with the `gadgets.*` features in front of it. The
gadget's query string stays in the iframe's `url` parameter, where gadgets read settings.
"""

import re
import urllib.parse
import xml.etree.ElementTree as ET

import requests
from flask import render_template, request

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


def _fetch(url):
    try:
        response = _http.get(url, timeout=FETCH_TIMEOUT)
    except requests.RequestException as error:
        raise GadgetError(f"Could not fetch {url}: {type(error).__name__}.") from None
    if response.status_code != 200:
        raise GadgetError(f"{url} answered HTTP {response.status_code}.")
    return response.content


def _parse(url, content):
    try:
        return ET.fromstring(content)
    except ET.ParseError as error:
        raise GadgetError(f"{url} is not well-formed XML: {error}.") from None


def load_gadget(url):
    """The parts of a gadget file a container uses: features, prefs, locales, content."""
    module = _parse(url, _fetch(url))
    prefs_element = module.find("ModulePrefs")
    content = module.find("Content")
    if module.tag != "Module" or prefs_element is None or content is None:
        raise GadgetError(f"{url} is not a gadget: no <Module>, <ModulePrefs> or <Content>.")
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
    def replace(match):
        kind, name = match.groups()
        source = prefs if kind == "UP" else messages
        return source.get(name, match.group(0))

    return _PLACEHOLDER.sub(replace, text)


@bp.get("/harness/gadgets/ifr")
def render_gadget():
    """The gadget's iframe page: `?url=<gadget URL>&lang=nl&panel=1`."""
    url = urllib.parse.urljoin(request.host_url, request.args.get("url", ""))
    # Only gadgets of this service: the harness is no proxy to anywhere else.
    if origin_of(url) not in allowed_origins() | {origin_of(request.host_url)}:
        raise GadgetError("The harness renders gadgets of this service only.")
    gadget = load_gadget(url)
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
