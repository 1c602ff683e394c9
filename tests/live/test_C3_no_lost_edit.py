"""C3: no lost edit. Every write checks the version it was loaded at, in one UPDATE.

The race test runs 20 writers at once against the live HTTP server, each thread with its own
HTTP connection (so its own server thread and database connection).
"""

import threading

import requests

from server.models import Activity, Change, Request, database

WRITERS = 20
ROUNDS = 3


def new_request(agent, title="Printer jams"):
    customer = agent.post("/api/v1/customers", json={"name": "Sanne de Vries"}).get_json()
    return agent.post(
        f"/api/v1/customers/{customer['id']}/requests", json={"title": title}
    ).get_json()


def test_C3_twenty_concurrent_writers_lose_no_edit(app, sign_in):
    agents = [sign_in(f"agent{n}") for n in (1, 2, 3)]
    request = new_request(agents[0])
    url = f"{app.live_server.url}/api/v1/requests/{request['id']}"
    start = threading.Barrier(WRITERS)
    outcomes = [[] for _ in range(WRITERS)]

    def writer(number):
        agent = agents[number % len(agents)]
        http = requests.Session()
        http.trust_env = False  # straight to the local server, never through a proxy
        http.headers["Authorization"] = f"Bearer {agent.token}"
        version = request["version"]  # every writer loaded the same request
        start.wait()
        for round_ in range(ROUNDS):
            title = f"writer {number} round {round_}"
            response = http.patch(url, json={"version": version, "title": title}, timeout=30)
            body = response.json()
            outcomes[number].append((response.status_code, agent.id, version, title, body))
            # A refused writer does what the widget's Load does: continue from the current record.
            version = body["version"] if response.status_code == 200 else body["current"]["version"]
        http.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    results = [outcome for writer_outcomes in outcomes for outcome in writer_outcomes]
    assert len(results) == WRITERS * ROUNDS

    accepted = [r for r in results if r[0] == 200]
    refused = [r for r in results if r[0] != 200]
    assert accepted and refused  # the race did happen
    for status, _agent, sent, _title, body in refused:
        assert status == 409, body
        assert body["type"] == "/problems/stale-version"
        assert body["current"]["version"] > sent
    # Each accepted write produced its own version, one after the other, from the one it saw.
    versions = sorted(body["version"] for *_, body in accepted)
    assert versions == list(range(request["version"] + 1, request["version"] + 1 + len(accepted)))
    for _status, _agent, sent, title, body in accepted:
        assert body["version"] == sent + 1 and body["title"] == title

    with database.connection_context():
        final = Request.get_by_id(int(request["id"]))
        log = list(
            Change.select().where(
                (Change.kind == "request")
                & (Change.record_id == final.id)
                & (Change.action == "updated")
            )
        )
    last = max(accepted, key=lambda r: r[4]["version"])
    assert final.version == versions[-1] and final.title == last[3]
    assert sorted((c.agent, c.data["version"]) for c in log) == sorted(
        (agent_id, body["version"]) for _s, agent_id, _v, _t, body in accepted
    )


def known_caller(agent, number="+31 20 555 0101", source_id="dialog-c3-1"):
    """A call from a customer the agent then creates: the activity and its request, as loaded."""
    first = agent.call(number, source_id).get_json()
    customer = agent.post(
        "/api/v1/customers", json={"name": "Sanne de Vries", "activity_id": first["activity"]["id"]}
    ).get_json()
    activity = agent.get(f"/api/v1/activities/{first['activity']['id']}").get_json()
    request = agent.get(f"/api/v1/requests/{activity['request_id']}").get_json()
    return customer, request, activity


def edit_subject(agent, activity, subject):
    return agent.patch(
        f"/api/v1/activities/{activity['id']}",
        json={"version": activity["version"], "subject": subject},
    )


def test_C3_stale_activity_edit_is_409_with_the_current_activity(agent, agent2):
    _customer, _request, activity = known_caller(agent)
    assert edit_subject(agent2, activity, "Billing").status_code == 200
    stale = edit_subject(agent, activity, "Delivery")
    assert stale.status_code == 409
    assert stale.get_json()["current"]["subject"] == "Billing"


def test_C3_stale_customer_edit_keeps_the_first_writers_change(agent, agent2):
    customer = agent.post("/api/v1/customers", json={"name": "Ayşe"}).get_json()
    assert (
        agent2.patch(
            f"/api/v1/customers/{customer['id']}",
            json={"version": customer["version"], "email": "a@example.com"},
        ).status_code
        == 200
    )
    stale = agent.patch(
        f"/api/v1/customers/{customer['id']}",
        json={"version": customer["version"], "email": "b@example.com"},
    )
    assert stale.status_code == 409
    now = agent.get(f"/api/v1/customers/{customer['id']}").get_json()
    assert now["email"] == "a@example.com" and now["version"] == customer["version"] + 1


def test_C3_tags_and_comments_bump_the_activity_so_an_older_edit_is_refused(agent, agent2):
    _customer, _request, loaded = known_caller(agent)
    path = f"/api/v1/activities/{loaded['id']}"
    steps = [
        lambda: agent2.post(f"{path}/tags", json={"name": "refund"}),
        lambda: agent2.post(f"{path}/comments", json={"body": "Called back."}),
        lambda: agent2.delete(f"{path}/tags/refund"),
    ]
    for step in steps:
        before = agent.get(path).get_json()
        assert step().status_code in (200, 201, 204)
        after = agent.get(path).get_json()
        assert after["version"] == before["version"] + 1
        assert edit_subject(agent, before, "Mine").status_code == 409
    assert [c.action for c in _changes("activity", loaded["id"])][-3:] == [
        "tagged",
        "commented",
        "untagged",
    ]


def test_C3_a_refused_duplicate_tag_changes_no_version(agent):
    _customer, _request, activity = known_caller(agent)
    path = f"/api/v1/activities/{activity['id']}"
    assert agent.post(f"{path}/tags", json={"name": "Refund"}).status_code == 201
    tagged = agent.get(path).get_json()
    assert agent.post(f"{path}/tags", json={"name": " refund "}).status_code == 409
    assert agent.get(path).get_json()["version"] == tagged["version"]


def test_C3_moving_an_activity_bumps_it_and_both_requests(agent, agent2):
    customer, source, activity = known_caller(agent)
    target = agent.post(
        f"/api/v1/customers/{customer['id']}/requests", json={"title": "Second issue"}
    ).get_json()
    moved = agent2.post(
        f"/api/v1/activities/{activity['id']}/move",
        json={"request_id": target["id"], "version": activity["version"]},
    )
    assert moved.status_code == 200
    assert moved.get_json()["version"] == activity["version"] + 1
    for request in (source, target):
        now = agent.get(f"/api/v1/requests/{request['id']}").get_json()
        assert now["version"] == request["version"] + 1
        stale = agent.patch(
            f"/api/v1/requests/{request['id']}",
            json={"version": request["version"], "title": "Mine"},
        )
        assert stale.status_code == 409
    again = agent.post(
        f"/api/v1/activities/{activity['id']}/move",
        json={"request_id": source["id"], "version": activity["version"]},
    )
    assert again.status_code == 409
    with database.connection_context():
        assert Activity.get_by_id(int(activity["id"])).request_id == int(target["id"])


def test_C3_an_interaction_attaching_to_a_request_is_no_edit_of_it(agent, agent2):
    """Another agent answering the customer edits none of the request's fields, so an edit
    made on the version on screen still saves (issue 11's false "changed this request")."""
    _customer, request, _activity = known_caller(agent)
    second = agent2.call("+31 20 555 0101", "dialog-c3-2").get_json()
    assert second["request"]["id"] == request["id"]
    assert second["request"]["version"] == request["version"]
    saved = agent.patch(
        f"/api/v1/requests/{request['id']}", json={"version": request["version"], "title": "Mine"}
    )
    assert saved.status_code == 200


def _changes(kind, record_id):
    with database.connection_context():
        return list(
            Change.select()
            .where((Change.kind == kind) & (Change.record_id == int(record_id)))
            .order_by(Change.id)
        )
