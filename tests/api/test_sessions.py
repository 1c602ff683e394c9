"""F3: sessions from verified Finesse credentials or local accounts."""

import base64

from tests.conftest import basic


def test_F3_finesse_credentials_are_verified_against_finesse(client):
    response = client.post(
        "/api/v1/session",
        json={"finesse": {"id": "agent1", "authorization": basic("agent1", "password1")}},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["agent"]["id"] == "agent1"
    assert body["token"] and body["expires_at"].endswith("+00:00")


def test_F3_wrong_password_is_401(client):
    response = client.post(
        "/api/v1/session",
        json={"finesse": {"id": "agent1", "authorization": basic("agent1", "nope")}},
    )
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 401


def test_F3_another_agents_credentials_do_not_prove_this_agent(client):
    response = client.post(
        "/api/v1/session",
        json={"finesse": {"id": "agent2", "authorization": basic("agent1", "password1")}},
    )
    assert response.status_code == 401


def test_F3_unknown_finesse_user_is_401(client):
    response = client.post(
        "/api/v1/session", json={"finesse": {"id": "nobody", "authorization": basic("nobody", "x")}}
    )
    assert response.status_code == 401


def test_F3_sso_bearer_token_is_verified(app, client):
    from server.harness.finesse_rest import sso_token

    with app.app_context():
        token = sso_token("agent2")
    ok = client.post(
        "/api/v1/session", json={"finesse": {"id": "agent2", "authorization": f"Bearer {token}"}}
    )
    assert ok.status_code == 201
    forged = client.post(
        "/api/v1/session",
        json={"finesse": {"id": "agent2", "authorization": "Bearer agent2.forged"}},
    )
    assert forged.status_code == 401


def test_F3_credentials_are_not_stored(app, client):
    authorization = basic("agent1", "password1")
    client.post(
        "/api/v1/session", json={"finesse": {"id": "agent1", "authorization": authorization}}
    )
    redis = app.extensions["redis"].client
    stored = b"".join(redis.dump(key) or b"" for key in redis.keys("*"))
    secret = base64.b64encode(b"agent1:password1")
    assert secret not in stored and b"password1" not in stored
    assert authorization.encode() not in b"".join(redis.keys("*"))


def test_F3_unreachable_finesse_is_503(app, client):
    sessions = app.extensions["sessions"]
    real = sessions.finesse_url
    sessions.finesse_url = "http://127.0.0.1:9"
    try:
        response = client.post(
            "/api/v1/session",
            json={"finesse": {"id": "agent3", "authorization": basic("agent3", "password3")}},
        )
    finally:
        sessions.finesse_url = real
    assert response.status_code == 503


def test_local_account_signs_in_with_a_hashed_password(app, client, db):
    from server.models import Agent
    from server.services.sessions import create_local_agent

    create_local_agent("care1", "s3cret-pass", "Care One")
    assert "s3cret-pass" not in Agent.get_by_id("care1").password_hash
    ok = client.post(
        "/api/v1/session", json={"local": {"username": "care1", "password": "s3cret-pass"}}
    )
    assert ok.status_code == 201
    bad = client.post("/api/v1/session", json={"local": {"username": "care1", "password": "x"}})
    assert bad.status_code == 401


def test_a_session_needs_one_kind_of_credentials(client):
    response = client.post("/api/v1/session", json={})
    assert response.status_code == 422
    assert "_schema" in response.get_json()["errors"]


def test_no_token_or_a_forged_one_is_401(client):
    assert client.get("/api/v1/workspace").status_code == 401
    forged = client.get("/api/v1/workspace", headers={"Authorization": "Bearer abc.def"})
    assert forged.status_code == 401
    assert forged.mimetype == "application/problem+json"


def test_signing_out_ends_the_session(agent):
    assert agent.get("/api/v1/workspace").status_code == 200
    assert agent.delete("/api/v1/session").status_code == 204
    assert agent.get("/api/v1/workspace").status_code == 401


def test_expired_token_is_401(app, agent):
    app.extensions["sessions"].ttl = -1
    try:
        assert agent.get("/api/v1/workspace").status_code == 401
    finally:
        app.extensions["sessions"].ttl = app.config["SESSION_TTL"]


def test_repeated_sign_in_attempts_are_rate_limited_with_429(app, client):
    app.config["SESSION_RATE_LIMIT"] = "3 per minute"
    try:
        attempts = [
            client.post(
                "/api/v1/session",
                json={"finesse": {"id": "agent1", "authorization": basic("agent1", "wrong")}},
            )
            for _ in range(4)
        ]
        other_agent = client.post(
            "/api/v1/session",
            json={"finesse": {"id": "agent2", "authorization": basic("agent2", "password2")}},
        )
    finally:
        app.config["SESSION_RATE_LIMIT"] = "20 per minute"
    assert [response.status_code for response in attempts] == [401, 401, 401, 429]
    refused = attempts[-1]
    assert refused.content_type == "application/problem+json"
    assert 0 < int(refused.headers["Retry-After"]) <= 61  # the minute, in whole seconds
    assert other_agent.status_code == 201


def test_only_refused_sign_ins_count_towards_the_limit(app, client):
    """Agents behind one address sign in and out all day: that never uses up the budget."""
    app.config["SESSION_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [
            client.post(
                "/api/v1/session",
                json={"finesse": {"id": "agent1", "authorization": basic("agent1", "password1")}},
            ).status_code
            for _ in range(6)
        ]
    finally:
        app.config["SESSION_RATE_LIMIT"] = "20 per minute"
    assert statuses == [201] * 6
