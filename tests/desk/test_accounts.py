"""Care Desktop accounts (`flask agents …`) and integration keys (`flask intake-keys …`, D9)."""

import pytest

from server.models import IntegrationKey

TASK = {"medium": "email", "identity": {"email": "ann@example.com"}, "subject": "Invoice"}


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args, input=None):
        return runner.invoke(args=list(args), input=input)

    return invoke


def local_sign_in(client, username, password):
    return client.post(
        "/api/v1/session", json={"local": {"username": username, "password": password}}
    )


def test_agents_add_prompts_for_the_password_and_stores_it_hashed(cli, client, db):
    result = cli("agents", "add", "care1", "--name", "Care One", input="s3cret-pw\ns3cret-pw\n")
    assert result.exit_code == 0, result.output
    assert "s3cret-pw" not in result.output
    from server.models import Agent

    stored = Agent.get_by_id("care1")
    assert stored.source == "local" and stored.name == "Care One"
    assert "s3cret-pw" not in stored.password_hash
    assert local_sign_in(client, "care1", "s3cret-pw").status_code == 201
    assert local_sign_in(client, "care1", "wrong").status_code == 401


def test_agents_add_refuses_a_taken_name_and_an_empty_password(cli):
    assert cli("agents", "add", "care1", input="pw1\npw1\n").exit_code == 0
    again = cli("agents", "add", "care1", input="pw2\npw2\n")
    assert again.exit_code == 1
    assert "exists already" in again.output
    assert cli("agents", "add", "care2", "--password", "").exit_code == 1


def test_agents_list_shows_each_agent_and_whether_it_is_disabled(cli):
    cli("agents", "add", "care1", input="pw1\npw1\n")
    cli("agents", "add", "care2", input="pw2\npw2\n")
    cli("agents", "disable", "care2")
    lines = cli("agents", "list").output.splitlines()
    assert lines[0].startswith("care1\t") and lines[0].endswith("active")
    assert lines[1].startswith("care2\t") and "disabled" in lines[1]


def test_a_disabled_agent_cannot_sign_in_and_its_sessions_end(cli, client):
    cli("agents", "add", "care1", input="pw1\npw1\n")
    token = local_sign_in(client, "care1", "pw1").get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/queue", headers=headers).status_code == 200
    result = cli("agents", "disable", "care1")
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/queue", headers=headers).status_code == 401
    assert local_sign_in(client, "care1", "pw1").status_code == 401


def test_a_disabled_agents_sessions_end_in_the_database(app, cli, client):
    """Ending them is what closes the agent's open sockets (the hub's tick)."""
    from server.services.sessions import live_sessions

    cli("agents", "add", "care1", input="pw1\npw1\n")
    tokens = [local_sign_in(client, "care1", "pw1").get_json()["token"] for _ in range(2)]
    sessions = app.extensions["sessions"]
    ids = [sessions.serializer.loads(token)["sid"] for token in tokens]
    assert live_sessions(ids) == [True, True]
    cli("agents", "disable", "care1")
    assert live_sessions(ids) == [False, False]


def test_disabling_an_unknown_agent_says_so(cli):
    result = cli("agents", "disable", "nobody")
    assert result.exit_code == 1
    assert "no agent named nobody" in result.output


def test_D9_an_intake_key_is_shown_once_stored_hashed_and_queues_tasks(cli, client, db):
    result = cli("intake-keys", "create", "telephony")
    assert result.exit_code == 0, result.output
    key = result.output.splitlines()[-1]
    stored = IntegrationKey.get(IntegrationKey.name == "telephony")
    assert key not in stored.key_hash and len(stored.key_hash) == 64
    assert "telephony" in cli("intake-keys", "list").output
    assert key not in cli("intake-keys", "list").output
    created = client.post("/api/v1/tasks", json=TASK, headers={"X-Integration-Key": key})
    assert created.status_code == 201, created.get_json()


def test_D9_a_revoked_or_wrong_intake_key_is_refused(cli, client):
    key = cli("intake-keys", "create", "mailbox").output.splitlines()[-1]
    assert cli("intake-keys", "revoke", "mailbox").exit_code == 0
    assert "revoked" in cli("intake-keys", "list").output
    for given in (key, key + "x", "", "dev-integration-key-not"):
        refused = client.post("/api/v1/tasks", json=TASK, headers={"X-Integration-Key": given})
        assert refused.status_code == 401


def test_D9_the_development_setting_still_works_beside_created_keys(app, client):
    key = app.config["INTEGRATION_KEY"]
    created = client.post("/api/v1/tasks", json=TASK, headers={"X-Integration-Key": key})
    assert created.status_code == 201


def test_D9_intake_key_names_are_unique_and_revoking_an_unknown_one_says_so(cli):
    assert cli("intake-keys", "create", "crm").exit_code == 0
    again = cli("intake-keys", "create", "crm")
    assert again.exit_code == 1 and "exists already" in again.output
    unknown = cli("intake-keys", "revoke", "nothing")
    assert unknown.exit_code == 1 and "no integration key named nothing" in unknown.output
