"""C13: edits of the customer and the request are journey entries (who, when, what), the
screens learn of them; C5: a request is closed and reopened in the widget, and is read-only
while closed. Plus issue 11's small things: HX-Push exposed cross-origin, a favicon, Dutch
words as Cisco's (GLOSSARY)."""

import re

import pytest


def form(agent, method, path, data, lang="en"):
    return agent.client.open(
        path,
        method=method,
        data=data,
        headers={"Authorization": f"Bearer {agent.token}", "Accept-Language": lang},
    )


def html(response):
    return response.get_data(as_text=True)


@pytest.fixture
def customer_call(agent):
    created = agent.post(
        "/api/v1/customers", json={"name": "Ada Lovelace", "email": "ada@example.org"}
    ).get_json()
    body = agent.email("ada@example.org", "mail-1", subject="Invoice").get_json()
    return created, body


def journey(agent, customer_id):
    return agent.get(f"/api/v1/customers/{customer_id}/journey").get_json()["items"]


def test_C13_customer_and_request_edits_are_journey_entries_with_who_and_what(
    agent, agent2, customer_call
):
    customer, call = customer_call
    request = call["request"]
    agent2.patch(
        f"/api/v1/customers/{customer['id']}",
        json={"version": customer["version"], "name": "Ada King", "fields": {"company": "AE"}},
    )
    agent.patch(
        f"/api/v1/requests/{request['id']}",
        json={"version": request["version"], "title": "Invoice twice", "description": ""},
    )
    items = journey(agent, customer["id"])
    assert items[0]["kind"] == "request" and items[0]["action"] == "updated"
    assert items[0]["agent"] == "agent1"
    assert items[1]["kind"] == "customer" and items[1]["action"] == "updated"
    assert items[1]["agent"] == "agent2"
    # The widget says what changed, in the agent's language, newest first.
    page = html(agent.get(f"/widget/customers/{customer['id']}/journey?tz=UTC"))
    texts = re.findall(r'<p class="cd-journey-text">([^<]+)', page)
    assert texts[0].strip() == "Request changed (Title): Invoice twice"
    assert texts[1].strip() == "Customer details changed: Name, Company"
    nl = html(
        agent.client.get(
            f"/widget/customers/{customer['id']}/journey",
            headers={"Authorization": f"Bearer {agent.token}", "Accept-Language": "nl"},
        )
    )
    assert "Klantgegevens gewijzigd: Naam, Bedrijf" in nl


def test_C13_a_save_that_changes_nothing_is_no_journey_entry(agent, customer_call):
    customer, call = customer_call
    before = len(journey(agent, customer["id"]))
    request = call["request"]
    agent.patch(
        f"/api/v1/requests/{request['id']}",
        json={"version": request["version"], "title": request["title"]},
    )
    agent.patch(
        f"/api/v1/customers/{customer['id']}",
        json={"version": customer["version"], "name": customer["name"]},
    )
    assert len(journey(agent, customer["id"])) == before


def test_C13_the_screens_ask_again_for_the_journey_the_end_time_and_the_open_title(
    agent, customer_call
):
    customer, call = customer_call
    page = html(agent.get(f"/widget/customers/{customer['id']}?activity={call['activity']['id']}"))
    # The journey redraws itself on `cd:refresh`, which widget.js sends on the live journey
    # event of this customer and after the agent's own saves (the browser tests drive that).
    assert f'data-customer-id="{customer["id"]}" hx-trigger="cd:refresh"' in page
    # The interaction's times ask again when it ends; the answer has the end time.
    assert f"/widget/activities/{call['activity']['id']}/times" in page
    agent.post("/api/v1/interactions/mail-1/end")
    times = html(agent.get(f"/widget/activities/{call['activity']['id']}/times"))
    assert times.count("<time") == 2
    # The Open entry's title asks again after the request saves, and says the new one.
    lists = html(agent.get("/widget/workspace"))
    assert f"/widget/requests/{call['request']['id']}/entry" in lists
    request = call["request"]
    agent.patch(
        f"/api/v1/requests/{request['id']}", json={"version": request["version"], "title": "New"}
    )
    entry = html(agent.get(f"/widget/requests/{request['id']}/entry?subject=Invoice"))
    assert entry.strip() == "· New"


def test_C5_a_closed_request_refuses_edits_until_reopened(agent, customer_call):
    _customer, call = customer_call
    request = call["request"]
    path = f"/api/v1/requests/{request['id']}"
    closed = agent.patch(path, json={"version": request["version"], "status": "closed"}).get_json()
    assert closed["status"] == "closed" and closed["closed_at"]
    refused = agent.patch(path, json={"version": closed["version"], "title": "Late edit"})
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["title"] == [
        "This request is closed. Reopen it to change it."
    ]
    # The same text as stored is no edit (the widget sends both fields).
    same = agent.patch(path, json={"version": closed["version"], "title": closed["title"]})
    assert same.status_code == 200
    reopened = agent.patch(
        path, json={"version": same.get_json()["version"], "status": "open", "title": "Again"}
    )
    assert reopened.status_code == 200 and reopened.get_json()["title"] == "Again"
    assert reopened.get_json()["closed_at"] is None


def test_C5_close_and_reopen_a_request_in_the_widget(agent, customer_call):
    _customer, call = customer_call
    request = call["request"]
    path = f"/widget/requests/{request['id']}"
    shown = html(agent.get(path))
    assert re.search(r"</svg>\s*Close request\s*</button>", shown)
    assert "readonly" not in shown
    closed = form(
        agent,
        "PATCH",
        path,
        {"version": request["version"], "status": "closed", "title": "Invoice", "description": ""},
        lang="nl",
    )
    assert closed.status_code == 200
    page = html(closed)
    assert 'id="cd-request"' in page and "readonly" in page
    assert "Dit verzoek is gesloten. Open het opnieuw om het te wijzigen." in page
    assert "Verzoek heropenen" in page
    version = int(re.search(r'data-cd-version="(\d+)"', page).group(1))
    refused = form(
        agent, "PATCH", path, {"version": version, "title": "Edited", "description": ""}, lang="nl"
    )
    assert refused.status_code == 422
    assert "Dit verzoek is gesloten." in html(refused)
    reopened = form(agent, "PATCH", path, {"version": version, "status": "open"})
    assert reopened.status_code == 200 and "readonly" not in html(reopened)
    items = journey(agent, call["activity"]["customer_id"])
    assert [i["action"] for i in items[:2]] == ["reopened", "closed"]


def test_htmx_response_headers_it_reads_are_exposed_cross_origin(app, client):
    response = client.get(
        "/widget/?fragment=1", headers={"Origin": app.config["PUBLIC_URL"].rstrip("/")}
    )
    exposed = response.headers.get("Access-Control-Expose-Headers", "")
    assert "HX-Push" in [header.strip() for header in exposed.split(",")]


def test_a_favicon_is_served(client):
    with client.get("/favicon.ico", follow_redirects=True) as response:
        assert response.status_code == 200 and b"<svg" in response.data
    assert 'rel="icon"' in client.get("/widget/").get_data(as_text=True)


def test_C10_dutch_says_labels_and_negeren_as_cisco_does(agent, customer_call):
    nl = html(
        agent.client.get(
            "/widget/?fragment=1&locale=nl_NL",
        )
    )
    assert "Negeren" in nl and "Verwerpen" not in nl
    _customer, call = customer_call
    activity = html(
        agent.client.get(
            f"/widget/activities/{call['activity']['id']}",
            headers={"Authorization": f"Bearer {agent.token}", "Accept-Language": "nl"},
        )
    )
    assert ">Labels<" in activity and "Tags" not in activity


def test_C11_one_invalid_request_field_does_not_hold_back_the_other(agent, customer_call):
    _customer, call = customer_call
    request = call["request"]
    path = f"/widget/requests/{request['id']}"
    answer = form(
        agent,
        "PATCH",
        path,
        {"version": request["version"], "title": "Ok", "description": "x" * 2001},
    )
    assert answer.status_code == 422
    page = html(answer)
    assert "Description: at most 2000 characters; this has 2001." in page
    marker = re.search(
        r'data-cd-saved="request:\d+" data-cd-version="(\d+)" data-cd-saved-fields="([^"]*)"', page
    )
    assert marker and marker.group(2) == "title" and int(marker.group(1)) == request["version"] + 1
    stored = agent.get(f"/api/v1/requests/{request['id']}").get_json()
    assert stored["title"] == "Ok" and stored["description"] == ""
    # Both invalid: nothing saved, no new version.
    both = form(agent, "PATCH", path, {"version": stored["version"], "title": "t" * 2001})
    assert both.status_code == 422
    assert agent.get(f"/api/v1/requests/{request['id']}").get_json()["version"] == stored["version"]
