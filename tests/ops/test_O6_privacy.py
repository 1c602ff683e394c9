"""O6: a customer's data on request: exported complete, or erased with the statistics kept;
only an administrator may do either, through the API or the command line."""

import json

import pytest

from server.models import Activity, Agent, Change, Comment, Customer, Request, TaskMessage
from tests.care.test_care_api import KEY

NAME, EMAIL, PHONE = "Sanne de Vries", "sanne@example.nl", "+31 20 123 4567"
SECRET_TEXTS = ("Printer on fire", "She lives at Damrak 1", "Parcel 9931 is late", "VIP")


@pytest.fixture
def admin(agent, db):
    Agent.update(role="admin").where(Agent.id == agent.id).execute()
    return agent


@pytest.fixture
def customer(client, agent2, app):
    """A customer with a request, a call, a tag, a comment, a chat and some history."""
    agent = agent2
    made = agent.post(
        "/api/v1/customers",
        json={"name": NAME, "email": EMAIL, "phone": PHONE, "fields": {"note": "VIP"}},
    ).get_json()
    request = agent.post(
        f"/api/v1/customers/{made['id']}/requests", json={"title": "Printer on fire"}
    ).get_json()
    call = agent.call(PHONE, "call-1").get_json()
    activity = call["activity"]["id"]
    assert (
        agent.post(f"/api/v1/activities/{activity}/tags", json={"name": "billing"}).status_code
        == 201
    )
    comment = {"body": "She lives at Damrak 1"}
    assert agent.post(f"/api/v1/activities/{activity}/comments", json=comment).status_code == 201
    agent.post("/api/v1/interactions/call-1/end")
    # A chat with the same person, by their e-mail address.
    task = client.post(
        "/api/v1/tasks", json={"medium": "chat", "identity": {"email": EMAIL}}, headers=KEY
    ).get_json()
    path = f"/api/v1/tasks/{task['id']}/messages"
    chat = {"Authorization": f"Bearer {task['chat_token']}"}
    assert client.post(path, json={"body": "Parcel 9931 is late"}, headers=chat).status_code == 201
    accepted = agent.post(f"/api/v1/tasks/{task['id']}/accept")
    assert accepted.status_code == 200, accepted.get_json()
    assert agent.post(path, json={"body": "Sorry Sanne"}).status_code == 201
    return {"id": made["id"], "activity": activity, "request": request["id"], "task": task["id"]}


def test_O6_only_an_administrator_may_export_or_erase(client, agent, customer):
    for method, path in (
        ("get", f"/api/v1/customers/{customer['id']}/export"),
        ("post", f"/api/v1/customers/{customer['id']}/erase"),
    ):
        unsigned = getattr(client, method)(path)
        assert unsigned.status_code == 401
        assert unsigned.mimetype == "application/problem+json"
        refused = getattr(agent, method)(path)
        assert refused.status_code == 403
        assert refused.mimetype == "application/problem+json"
    with Customer._meta.database.connection_context():
        assert Customer.get_by_id(int(customer["id"])).name == NAME  # nothing was erased


def test_O6_export_has_the_complete_record(admin, customer):
    response = admin.get(f"/api/v1/customers/{customer['id']}/export")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(f'customer-{customer["id"]}.json"')
    record = response.get_json()
    assert (record["customer"]["name"], record["customer"]["email"]) == (NAME, EMAIL)
    assert record["customer"]["fields"] == {"note": "VIP"}
    assert [r["title"] for r in record["requests"]] == ["Printer on fire"]
    assert {a["medium"] for a in record["activities"]} == {"call", "chat"}
    assert [t["name"] for t in record["tags"]] == ["billing"]
    assert [c["body"] for c in record["comments"]] == ["She lives at Damrak 1"]
    [chat] = record["chats"]
    assert [(m["sender"], m["body"]) for m in chat["messages"]] == [
        ("customer", "Parcel 9931 is late"),
        ("agent", "Sorry Sanne"),
    ]
    actions = {(c["kind"], c["action"]) for c in record["changes"]}
    assert {("customer", "created"), ("activity", "tagged"), ("activity", "commented")} <= actions
    assert admin.get("/api/v1/customers/999999/export").status_code == 404
    assert admin.get("/api/v1/customers/x%0Ay/export").status_code == 404


def test_O6_erase_removes_the_person_keeps_the_statistics_and_is_logged(admin, customer, db):
    before = admin.get(f"/api/v1/customers/{customer['id']}/export").get_json()
    found = admin.get("/api/v1/customers", query_string={"q": "Sanne"}).get_json()["items"]
    assert customer["id"] in [c["id"] for c in found]  # search finds the person, for now

    response = admin.post(f"/api/v1/customers/{customer['id']}/erase")
    assert response.status_code == 200, response.get_json()
    summary = response.get_json()
    assert summary["requests"] == len(before["requests"])
    assert summary["activities"] == len(before["activities"]) == 2
    assert (summary["comments"], summary["chat_messages"]) == (1, 2)

    after = admin.get(f"/api/v1/customers/{customer['id']}/export").get_json()
    text = json.dumps(after)
    for personal in (NAME, EMAIL, "123 4567", "Sanne", *SECRET_TEXTS):
        assert personal not in text, personal
    # The statistics stay: as many requests, activities, tags, comments, messages, changes.
    for part in ("requests", "activities", "tags", "comments", "chats"):
        assert len(after[part]) == len(before[part]), part
    assert [a["medium"] for a in after["activities"]] == [a["medium"] for a in before["activities"]]
    assert [r["status"] for r in after["requests"]] == [r["status"] for r in before["requests"]]
    assert len(after["chats"][0]["messages"]) == 2
    # The erasure itself is in the change log, with who did it.
    erased = [c for c in after["changes"] if c["action"] == "erased"]
    assert len(erased) == 1 and erased[0]["agent"] == admin.id
    assert erased[0]["data"]["erased"]["comments"] == 1
    # And in the database itself, nothing personal is left in those rows.
    assert Customer.get_by_id(int(customer["id"])).email is None
    assert Comment.select().where(Comment.body != "").count() == 0
    assert TaskMessage.select().where(TaskMessage.body != "").count() == 0
    assert Request.select().where(Request.title != "").count() == 0
    assert Activity.select().where(Activity.identity_value.is_null(False)).count() == 0
    assert Change.select().count() == len(after["changes"])
    # Search no longer finds the person.
    for query in ("Sanne", "sanne@example.nl", "0201234567"):
        found = admin.get("/api/v1/customers", query_string={"q": query}).get_json()["items"]
        assert [c["id"] for c in found if c["id"] == customer["id"]] == [], query


def test_O6_the_command_line_exports_and_erases(app, customer, db):
    runner = app.test_cli_runner()
    exported = runner.invoke(args=["customers", "export", customer["id"]])
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.output)["customer"]["name"] == NAME

    refused = runner.invoke(args=["customers", "erase", customer["id"]], input="n\n")
    assert refused.exit_code != 0
    assert Customer.get_by_id(int(customer["id"])).name == NAME

    erased = runner.invoke(args=["customers", "erase", customer["id"], "--yes"])
    assert erased.exit_code == 0, erased.output
    assert Customer.get_by_id(int(customer["id"])).name == ""
    assert Change.get(Change.action == "erased").agent.startswith("operator")

    missing = runner.invoke(args=["customers", "export", "999999"])
    assert missing.exit_code != 0 and "No customer" in missing.output


def test_O6_agents_admin_grants_the_role(app, agent, customer, db):
    runner = app.test_cli_runner()
    assert agent.get(f"/api/v1/customers/{customer['id']}/export").status_code == 403
    granted = runner.invoke(args=["agents", "admin", agent.id])
    assert granted.exit_code == 0, granted.output
    assert agent.get(f"/api/v1/customers/{customer['id']}/export").status_code == 200
    revoked = runner.invoke(args=["agents", "admin", agent.id, "--revoke"])
    assert revoked.exit_code == 0
    assert agent.get(f"/api/v1/customers/{customer['id']}/export").status_code == 403
    unknown = runner.invoke(args=["agents", "admin", "nobody"])
    assert unknown.exit_code != 0 and "nobody" in unknown.output
