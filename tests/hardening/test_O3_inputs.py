"""O3: no input gives a 500. Each case here once made one (issue 12's schemathesis run)."""

import json

import pytest
from itsdangerous import URLSafeTimedSerializer

BIG = 2**64  # beyond SQLite's 64-bit integers: OverflowError before the fix
WRONG_SHAPE = "eyJhIjoxfQ"  # base64 of {"a": 1}: a well-formed cursor of the wrong shape


def problem(response, status):
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/problem+json"
    return response.get_json()


@pytest.fixture
def call(agent):
    return agent.call("+31201234567", "dialog-1").get_json()


def test_O3_ids_and_versions_beyond_64_bits(agent, call):
    request_id = call["request"]["id"]
    problem(agent.patch(f"/api/v1/requests/{request_id}", json={"version": BIG}), 422)
    problem(agent.patch(f"/api/v1/requests/{request_id}", json={"version": -1}), 422)
    problem(agent.patch(f"/api/v1/requests/{BIG}", json={"version": 1}), 404)
    problem(agent.get(f"/api/v1/customers/{BIG}"), 404)
    problem(agent.get(f"/api/v1/activities/{BIG}/comments"), 404)
    activity = call["activity"]
    moved = agent.post(
        f"/api/v1/activities/{activity['id']}/move",
        json={"request_id": str(BIG), "version": activity["version"]},
    )
    problem(moved, 422)
    problem(agent.get("/api/v1/tasks/1/messages", query_string={"after": str(BIG)}), 422)


def test_O3_non_numeric_and_full_width_ids(agent, call):
    for bad in ("abc", "１２", " 1", "1_0", "0x1", "-1", "1.0", True, 1, ""):
        body = problem(agent.post("/api/v1/workspace/close", json={"customer_id": bad}), 422)
        assert "customer_id" in body["errors"], bad
    problem(agent.post("/api/v1/workspace/open", json={"customer_id": "abc"}), 422)
    # Full-width digits name no record, even where int() would read them.
    customer_id = call["activity"]["customer_id"]
    full_width = "".join(chr(0xFF10 + int(digit)) for digit in customer_id)
    problem(agent.get(f"/api/v1/customers/{full_width}"), 404)
    problem(agent.post("/api/v1/workspace/close", json={"customer_id": full_width}), 422)
    problem(agent.get("/api/v1/customers", query_string={"limit": "１０"}), 422)


def test_O3_cursors_of_the_wrong_shape(agent, call, client):
    customer_id = call["activity"]["customer_id"]
    activity_id = call["activity"]["id"]
    for cursor in (WRONG_SHAPE, "WzFd", "WyJ4IiwieSJd", "eyJ", "!!!", "W251bGwsbnVsbF0"):
        for path in (
            f"/api/v1/customers/{customer_id}/journey",
            "/api/v1/customers",
            f"/api/v1/activities/{activity_id}/comments",
        ):
            problem(agent.get(path, query_string={"cursor": cursor}), 422)
        for path in (f"/widget/customers/{customer_id}/journey", "/widget/search"):
            response = agent.get(path, query_string={"cursor": cursor, "q": "a"})
            assert response.status_code == 422, (path, cursor, response.status_code)


def test_O3_lone_surrogates_and_nul_are_refused_in_every_text(agent, call):
    request_id = call["request"]["id"]
    for text in ("a\ud800b", "a\udfffb", "a\x00b"):
        raw = json.dumps({"version": 1, "title": text})  # json.dumps writes \ud800 escaped
        response = agent.patch(
            f"/api/v1/requests/{request_id}", data=raw, content_type="application/json"
        )
        assert "title" in problem(response, 422)["errors"]
        for body in (
            {"name": text},
            {"name": "x", "fields": {text: "v"}},
            {"name": "x", "fields": {"k": text}},
        ):
            problem(agent.post("/api/v1/customers", json=body), 422)
        problem(agent.call("+31201234567", text), 422)
        problem(agent.call("+31201234567", "d-9", properties={"k": text}), 422)
    # From the path: the NUL never reaches a query (PostgreSQL refuses it with an error).
    problem(agent.post("/api/v1/interactions/a%00b/end"), 404)
    problem(agent.delete(f"/api/v1/activities/{call['activity']['id']}/tags/a%00b"), 404)
    problem(agent.get("/api/v1/customers", query_string={"q": "a\x00b"}), 422)
    response = agent.get("/widget/search", query_string={"q": "a\x00b"})
    assert response.status_code == 422


def test_O3_a_phone_of_99_digits_is_kept_as_typed_without_a_key(agent):
    created = agent.post("/api/v1/customers", json={"name": "Long", "phone": "0" * 99})
    assert created.status_code == 201  # was PostgreSQL's "value too long" (a 500)
    assert created.get_json()["phone_e164"] is None
    assert created.get_json()["phone"] == "0" * 99


def test_O3_json_nested_5000_deep(agent):
    deep = "[" * 5000 + "]" * 5000
    for path in ("/api/v1/customers", "/api/v1/interactions", "/api/v1/session"):
        response = agent.post(path, data=deep, content_type="application/json")
        problem(response, 400)
    nested = '{"name": "x", "fields": {"a": ' + "[" * 5000 + "]" * 5000 + "}}"
    problem(agent.post("/api/v1/customers", data=nested, content_type="application/json"), 400)


def test_O3_signed_token_of_an_unexpected_shape(app, client):
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="context-desk-session")
    for payload in ({}, [], "x", 1, None, {"sid": 1, "agent": "a"}, {"sid": "s"}):
        token = serializer.dumps(payload)
        response = client.get("/api/v1/workspace", headers={"Authorization": f"Bearer {token}"})
        problem(response, 401)


def test_O3_trace_and_other_methods_get_405_with_allow(client):
    for method in ("TRACE", "PUT", "CONNECT"):
        response = client.open("/api/v1/customers", method=method)
        problem(response, 405)
        assert {"GET", "POST"} <= set(response.headers["Allow"].replace(" ", "").split(","))


def test_O3_repeated_source_id_is_documented_as_200(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    responses = spec["paths"]["/api/v1/interactions"]["post"]["responses"]
    assert {"200", "201"} <= set(responses)


def test_O3_customer_requests_match_the_openapi(agent, call, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/customers/{customer_id}/requests"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    assert spec["components"]["schemas"][name]["properties"]["items"]["type"] == "array"
    body = agent.get(f"/api/v1/customers/{call['activity']['customer_id']}/requests").get_json()
    assert [item["id"] for item in body["items"]] == [call["request"]["id"]]
