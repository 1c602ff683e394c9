"""The widget's fragments through the Flask test client: what the server renders and refuses."""

import re

import pytest

from server.models import Request


def form(agent, method, path, data):
    return agent.client.open(
        path,
        method=method,
        data=data,
        headers={"Authorization": f"Bearer {agent.token}", "Accept-Language": "en"},
    )


def html(response):
    return response.get_data(as_text=True)


@pytest.fixture
def unknown_call(agent):
    body = agent.call("+31 20 123 4567", "dialog-1").get_json()
    return body


@pytest.fixture
def customer_call(agent):
    created = agent.post(
        "/api/v1/customers", json={"name": "Ada Lovelace", "email": "ada@example.org"}
    ).get_json()
    body = agent.email("ada@example.org", "mail-1", subject="Invoice").get_json()
    return created, body


def test_fragment_is_markup_with_absolute_urls(client, app):
    response = client.get("/widget/?fragment=1&locale=en")
    page = html(response)
    assert response.status_code == 200
    assert "<html" not in page and "<body" not in page
    base = app.config["PUBLIC_URL"]
    urls = re.findall(r'(?:hx-get|hx-post|hx-patch|src|href)="([^"#]+)"', page)
    assert urls, "the fragment names its assets and endpoints"
    assert all(url.startswith(base + "/") for url in urls), urls
    assert re.search(r'src="[^"]+/static/widget/widget\.js\?v=\w+"', page)
    assert "data-context-desk" in page


def test_C10_locale_from_finesse_parameter_or_accept_language(client):
    nl = html(client.get("/widget/?fragment=1&locale=nl_NL"))
    assert 'lang="nl"' in nl and "Zoeken" in nl
    fr = html(client.get("/widget/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}))
    assert '<html lang="fr">' in fr and "Se connecter" in fr
    unknown = html(client.get("/widget/?fragment=1&locale=xx", headers={"Accept-Language": "de"}))
    assert 'lang="en"' in unknown


def test_widget_views_need_a_session(client, unknown_call):
    assert client.get("/widget/workspace").status_code == 401


def test_C9_open_recent_and_reopen(agent, unknown_call):
    customer_id = unknown_call["activity"]["customer_id"]
    lists = html(agent.get("/widget/workspace"))
    assert "+31 20 123 4567" in lists.split('id="cd-recent-list"')[0]
    closed = html(form(agent, "POST", "/widget/workspace/close", {"customer_id": customer_id}))
    open_part, recent_part = closed.split('id="cd-recent-list"')
    assert "+31 20 123 4567" not in open_part and "+31 20 123 4567" in recent_part
    reopened = html(form(agent, "POST", "/widget/workspace/open", {"customer_id": customer_id}))
    assert f'data-cd-select-after="{customer_id}"' in reopened


def test_C9_search_offers_reopen_or_show(agent, customer_call):
    results = html(agent.get("/widget/search?q=ada"))
    assert "Ada Lovelace" in results and "Show" in results
    customer_id = customer_call[0]["id"]
    form(agent, "POST", "/widget/workspace/close", {"customer_id": customer_id})
    assert "Reopen" in html(agent.get("/widget/search?q=ada@example.org"))
    assert "No customer matches" in html(agent.get("/widget/search?q=nobody"))


def test_customer_header_display_name(agent, unknown_call, customer_call):
    unknown = html(agent.get(f"/widget/customers/{unknown_call['activity']['customer_id']}"))
    assert "+31 20 123 4567" in unknown and "Not a customer yet" in unknown
    known = html(agent.get(f"/widget/customers/{customer_call[0]['id']}"))
    assert 'class="cd-customer-name-text">Ada Lovelace<' in known
    mail_only = agent.post("/api/v1/customers", json={"email": "x@example.org"}).get_json()
    assert ">x@example.org<" in html(agent.get(f"/widget/customers/{mail_only['id']}/card"))
    # Only a hidden caller has nothing to be named by (C7 refuses such a customer record).
    hidden = agent.call("", "hidden-1").get_json()["activity"]["customer_id"]
    assert ">Unknown customer<" in html(agent.get(f"/widget/customers/{hidden}/card"))


def test_C7_create_prefilled_customer_then_edit_and_save(agent, unknown_call):
    customer_id = unknown_call["activity"]["customer_id"]
    card = html(agent.get(f"/widget/customers/{customer_id}/card"))
    assert 'value="+31 20 123 4567"' in card and "hx-post" in card and ">Create<" in card
    created = form(
        agent,
        "POST",
        "/widget/customers",
        {
            "activity_id": unknown_call["activity"]["id"],
            "name": "Grace Hopper",
            "phone": "+31 20 123 4567",
            "email": "",
            "fields.company": "Navy",
        },
    )
    assert created.status_code == 201
    page = html(created)
    assert "Grace Hopper" in page and ">Edit<" in page and 'data-known="true"' in page
    version = int(re.search(r'data-cd-version="(\d+)"', page).group(1))
    saved = form(
        agent,
        "PATCH",
        f"/widget/customers/{customer_id}",
        {"version": version, "name": "Grace B. Hopper", "phone": "+31 20 123 4567", "email": ""},
    )
    assert saved.status_code == 200 and "Grace B. Hopper" in html(saved)
    assert f'data-cd-version="{version + 1}"' in html(saved)


def test_C3_stale_customer_save_is_the_api_409_with_current(agent, customer_call):
    customer = customer_call[0]
    form(
        agent,
        "PATCH",
        f"/widget/customers/{customer['id']}",
        {"version": customer["version"], "name": "First"},
    )
    stale = form(
        agent,
        "PATCH",
        f"/widget/customers/{customer['id']}",
        {"version": customer["version"], "name": "Second"},
    )
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["type"] == "/problems/stale-version" and body["current"]["name"] == "First"


def test_C4_over_long_title_refused_naming_the_field(agent, unknown_call):
    request = unknown_call["request"]
    refused = form(
        agent,
        "PATCH",
        f"/widget/requests/{request['id']}",
        {"version": request["version"], "title": "x" * 2001},
    )
    assert refused.status_code == 422
    assert "Title: at most 2000 characters; this has 2001." in html(refused)
    assert Request.get_by_id(int(request["id"])).title == ""
    saved = form(
        agent,
        "PATCH",
        f"/widget/requests/{request['id']}",
        {"version": request["version"], "title": "x" * 2000},
    )
    assert saved.status_code == 200
    assert (
        f'data-cd-saved="request:{request["id"]}" data-cd-version="{request["version"] + 1}"'
        in html(saved)
    )


def test_C4_over_long_customer_field_refused_naming_it(agent, customer_call):
    customer = customer_call[0]
    refused = form(
        agent,
        "PATCH",
        f"/widget/customers/{customer['id']}",
        {"version": customer["version"], "name": "Ada", "fields.notes": "n" * 2001},
    )
    assert refused.status_code == 422
    assert "Notes: at most 2000 characters; this has 2001." in html(refused)
    assert 'value="Ada"' in html(refused)  # the agent's input is kept


def test_C5_request_icon_status_created_closed(agent, unknown_call):
    request = unknown_call["request"]
    page = html(agent.get(f"/widget/requests/{request['id']}"))
    assert "cd-status-open" in page and "Created" in page
    agent.patch(
        f"/api/v1/requests/{request['id']}",
        json={"version": request["version"], "status": "closed"},
    )
    page = html(agent.get(f"/widget/requests/{request['id']}"))
    assert "cd-status-closed" in page and page.count("<time") == 2


def test_C6_tags_refuse_duplicates_and_long_ones(agent, unknown_call):
    activity_id = unknown_call["activity"]["id"]
    path = f"/widget/activities/{activity_id}/tags"
    added = form(agent, "POST", path, {"name": "  Billing "})
    assert added.status_code == 201 and ">Billing<" in html(added)
    duplicate = form(agent, "POST", path, {"name": "BILLING"})
    assert duplicate.status_code == 409
    assert "“BILLING” is already a tag of this interaction." in html(duplicate)
    too_long = form(agent, "POST", path, {"name": "t" * 51})
    assert too_long.status_code == 422
    assert "Tag: at most 50 characters; this has 51." in html(too_long)
    removed = form(agent, "POST", path + "/remove", {"name": "billing"})
    assert ">Billing<" not in html(removed)


def test_comments_added_and_empty_refused(agent, unknown_call):
    path = f"/widget/activities/{unknown_call['activity']['id']}/comments"
    added = form(agent, "POST", path, {"body": "Called about the invoice"})
    assert added.status_code == 201 and "Called about the invoice" in html(added)
    assert "Comment: write something first." in html(form(agent, "POST", path, {"body": ""}))


def test_C2_journey_newest_first_current_highlighted_and_paged(agent, customer_call):
    customer_id = customer_call[0]["id"]
    for number in range(25):
        agent.email("ada@example.org", f"mail-extra-{number}")
    page = html(
        agent.get(f"/widget/customers/{customer_id}?activity={customer_call[1]['activity']['id']}")
    )
    first_page = page.split('id="cd-journey-list"')[1]
    assert first_page.count('class="cd-journey-item') == 10
    rest, pages = first_page, 1
    while 'aria-current="true"' not in rest:  # the current email is older than the 25 new ones
        cursor = re.search(r"journey\?cursor=([^&]+)&amp;", rest).group(1)
        rest = html(
            agent.get(
                f"/widget/customers/{customer_id}/journey?cursor={cursor}"
                f"&activity={customer_call[1]['activity']['id']}"
            )
        )
        pages += 1
    assert pages == 3
    assert rest.count('class="cd-journey-item') >= 5


def test_D8_add_request_and_D7_move_the_interaction(agent, customer_call):
    customer_id = customer_call[0]["id"]
    activity = customer_call[1]["activity"]
    added = form(
        agent,
        "POST",
        f"/widget/customers/{customer_id}/requests",
        {
            "title": "New issue",
            "description": "",
            "activity_id": activity["id"],
            "activity_version": activity["version"],
            "move": "1",
        },
    )
    assert added.status_code == 201
    assert 'value="New issue"' in html(added)  # the interaction's request is now the new one
    moved_to = Request.get(Request.title == "New issue")
    current = agent.get(f"/api/v1/activities/{activity['id']}").get_json()
    assert current["request_id"] == str(moved_to.id)
    back = form(
        agent,
        "POST",
        f"/widget/activities/{activity['id']}/move",
        {"request_id": customer_call[1]["request"]["id"], "version": current["version"]},
    )
    assert back.status_code == 200
    assert (
        agent.get(f"/api/v1/activities/{activity['id']}").get_json()["request_id"]
        == customer_call[1]["request"]["id"]
    )


def test_O1_the_front_door_leads_to_the_care_desktop(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/desk/")
