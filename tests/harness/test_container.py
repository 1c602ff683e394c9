"""The harness's gadget container and mock Finesse pages (F4), over real HTTP."""

import base64
import urllib.parse

import pytest
import requests

from server.harness import container


@pytest.fixture
def base(app):
    return app.live_server.url.replace("127.0.0.1", "localhost")


def ifr(base, gadget_url, lang="en"):
    query = urllib.parse.urlencode({"url": gadget_url, "lang": lang, "panel": "1"})
    return requests.get(f"{base}/harness/gadgets/ifr?{query}", timeout=5)


def test_F4_renders_the_gadget_with_up_prefs_and_messages(app, base):
    response = ifr(base, "/gadget.xml?mrd=5000,5001", lang="nl")
    assert response.status_code == 200
    page = response.text
    port = app.live_server.server.server_port
    # __UP_scheme__://__UP_host__:__UP_hostPort__ is the Finesse server: the harness itself.
    assert f'src="http://localhost:{port}/desktop/assets/js/finesse.js"' in page
    assert "__UP_" not in page and "{{" not in page
    assert "<title>Klantcontext</title>" in page
    assert f'publicUrl: "{app.config["PUBLIC_URL"]}"' in page
    assert '"pubsub-2"' in page and "gadgets.container.loaded()" in page


def test_F4_unknown_language_falls_back_to_the_default_bundle(base):
    assert "<title>Customer Context</title>" in ifr(base, "/gadget.xml", lang="de").text


def test_F4_a_gadget_requiring_a_feature_the_harness_lacks_is_refused(base, monkeypatch):
    monkeypatch.setattr(container, "FEATURES", container.FEATURES - {"pubsub-2"})
    response = ifr(base, "/gadget.xml")
    assert response.status_code == 502
    assert "pubsub-2" in response.json()["detail"]


def test_F4_a_gadget_url_that_is_not_a_gadget_is_refused(base):
    response = ifr(base, "/healthz")
    assert response.status_code == 502
    assert "not well-formed" in response.json()["detail"]
    assert ifr(base, "javascript:alert(1)").status_code == 502
    elsewhere = ifr(base, "http://192.0.2.1/gadget.xml")
    assert elsewhere.status_code == 502 and "this service only" in elsewhere.json()["detail"]


def test_F4_finesse_js_is_served_where_finesse_serves_it(base):
    response = requests.get(f"{base}/desktop/assets/js/finesse.js", timeout=5)
    assert response.status_code == 200
    assert "javascript" in response.headers["Content-Type"]
    assert "finesse.restservices" in response.text


def test_F4_harness_page_offers_every_mock_agent(base):
    page = requests.get(f"{base}/harness/", timeout=5).text
    for agent in ("agent1", "agent2", "agent3"):
        assert f"<option>{agent}</option>" in page
    assert 'data-gadget-url="/gadget.xml?mrd=5000,5001"' in page


def test_F3_mock_sso_token_is_accepted_by_the_mock_finesse_rest_api(base):
    token = requests.post(
        f"{base}/harness/sso-token", json={"id": "agent2", "password": "password2"}, timeout=5
    ).json()
    user = requests.get(
        f"{base}/finesse/api/User/agent2",
        timeout=5,
        headers={"Authorization": "Bearer " + token["token"]},
    )
    assert user.status_code == 200 and "<loginId>agent2</loginId>" in user.text
    other = requests.get(
        f"{base}/finesse/api/User/agent1",
        timeout=5,
        headers={"Authorization": "Bearer " + token["token"]},
    )
    assert other.status_code == 401
    refused = requests.post(
        f"{base}/harness/sso-token", json={"id": "agent2", "password": "nope"}, timeout=5
    )
    assert refused.status_code == 401
    assert requests.post(f"{base}/harness/sso-token", json=[], timeout=5).status_code == 422


def test_F3_mock_finesse_user_checks_basic_credentials(base):
    def get(agent, password):
        header = "Basic " + base64.b64encode(f"{agent}:{password}".encode()).decode()
        return requests.get(
            f"{base}/finesse/api/User/agent3", timeout=5, headers={"Authorization": header}
        ).status_code

    assert get("agent3", "password3") == 200
    assert get("agent3", "password1") == 401
    assert get("agent1", "password1") == 401
