"""gadget.xml (F1): a Finesse gadget with the service's public URL and versioned assets."""

import re
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

from server.assets import version_of
from server.config import LOCALES
from server.gadget import render

FINESSE_JS = "__UP_scheme__://__UP_host__:__UP_hostPort__/desktop/assets/js/finesse.js"


def parse(text):
    return ET.fromstring(text.encode())


def content_of(module):
    content = module.find("Content")
    assert content.get("type") == "html"
    return content.text


def test_F1_served_with_the_public_url_filled_in(app, client):
    response = client.get("/gadget.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    assert response.headers["Cache-Control"] == "no-cache"
    module = parse(response.get_data(as_text=True))
    assert module.tag == "Module"
    assert f'publicUrl: "{app.config["PUBLIC_URL"]}"' in content_of(module)
    assert "{{" not in response.get_data(as_text=True)


def test_F1_requires_the_features_finesse_expects(client):
    module = parse(client.get("/gadget.xml").get_data(as_text=True))
    prefs = module.find("ModulePrefs")
    features = {require.get("feature"): require for require in prefs.findall("Require")}
    assert {"pubsub-2", "setprefs", "settitle", "dynamic-height", "loadingindicator"} <= set(
        features
    )
    params = {
        param.get("name"): param.text for param in features["loadingindicator"].findall("Param")
    }
    assert params["manual-dismiss"] == "true"
    assert int(params["loading-timeout"]) > 0
    assert prefs.get("title") == "__MSG_title__"


def test_F1_hidden_prefs_load_finesse_js_from_the_finesse_server(client):
    module = parse(client.get("/gadget.xml").get_data(as_text=True))
    prefs = {pref.get("name"): pref.get("datatype") for pref in module.findall("UserPref")}
    assert prefs == {
        "scheme": "hidden",
        "host": "hidden",
        "hostPort": "hidden",
        "activateTab": "bool",  # the screen-pop's activateMyTab, an agent's own choice
    }
    activate = [pref for pref in module.findall("UserPref") if pref.get("name") == "activateTab"]
    assert activate[0].get("default_value") == "true"
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', content_of(module))
    assert scripts[0] == FINESSE_JS
    # Init waits for the container's hub: Finesse's objects exist only then.
    assert "gadgets.HubSettings.onConnect = function" in content_of(module)


def test_F1_own_assets_absolute_and_versioned(app, client):
    module = parse(client.get("/gadget.xml").get_data(as_text=True))
    content = content_of(module)
    urls = re.findall(r'(?:src|href)="([^"]+)"', content)
    urls += [locale.get("messages") for locale in module.find("ModulePrefs").findall("Locale")]
    own = [url for url in urls if not url.startswith("__UP_")]
    assert len(own) >= 2 + len(LOCALES)
    with app.app_context():
        for url in own:
            parts = urllib.parse.urlsplit(url)
            assert url.startswith(app.config["PUBLIC_URL"] + "/static/"), url
            name = parts.path[len("/static/") :]
            assert urllib.parse.parse_qs(parts.query)["v"] == [version_of(name)], url
            with client.get(parts.path) as response:
                assert response.status_code == 200, url


def test_F1_a_message_bundle_per_locale_with_every_key(app, client):
    module = parse(client.get("/gadget.xml").get_data(as_text=True))
    locales = module.find("ModulePrefs").findall("Locale")
    assert {locale.get("lang") for locale in locales} == set(LOCALES) | {None}
    keys = None
    for locale in locales:
        path = urllib.parse.urlsplit(locale.get("messages")).path
        with client.get(path) as response:
            bundle = parse(response.get_data(as_text=True))
        names = {msg.get("name") for msg in bundle.findall("msg")}
        assert all((msg.text or "").strip() for msg in bundle.findall("msg")), path
        keys = keys or names
        assert names == keys, path
    assert {"title", "description", "retry", "widget_failed"} <= keys


def test_F1_make_gadget_command_writes_the_same_file(app, client):
    result = app.test_cli_runner().invoke(args=["gadget-xml"])
    assert result.exit_code == 0, result.output
    assert result.stdout == client.get("/gadget.xml").get_data(as_text=True)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "contextdesk.example.com",
        "javascript:alert(1)",
        'https://x.example.com/"onload',
        "https://x.example.com/path",
        "https://x.example.com?a=1&b=2",
    ],
)
def test_F1_public_url_validated(app, bad):
    original = app.config["PUBLIC_URL"]
    app.config["PUBLIC_URL"] = bad
    try:
        result = app.test_cli_runner().invoke(args=["gadget-xml"])
        assert result.exit_code != 0
        assert "PUBLIC_URL must be" in result.output
        response = app.test_client().get("/gadget.xml")
        assert response.status_code == 500
        assert "PUBLIC_URL must be" in response.get_json()["detail"]
    finally:
        app.config["PUBLIC_URL"] = original


def test_F1_https_and_ipv6_public_urls_accepted(app):
    original = app.config["PUBLIC_URL"]
    try:
        for url in ("https://contextdesk.example.com:8443/", "http://[::1]:8000"):
            app.config["PUBLIC_URL"] = url
            with app.app_context():
                assert f'publicUrl: "{url.rstrip("/")}"' in render()
    finally:
        app.config["PUBLIC_URL"] = original
