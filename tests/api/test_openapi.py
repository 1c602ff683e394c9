"""The OpenAPI document describes every route of the API."""

import re


def test_every_api_route_is_in_the_openapi_document(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.rule.endswith("openapi.json"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        assert path in document["paths"], path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in document["paths"][path], (method, path)


def test_openapi_has_the_schemas_and_error_shape(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert "Problem" in schemas
    assert any(name.startswith("Customer") for name in schemas)
    tag_post = document["paths"]["/api/v1/activities/{activity_id}/tags"]["post"]
    assert "409" in tag_post["responses"] and "422" in tag_post["responses"]
