"""Issue 12's smaller points, each through the API."""


def tag(agent, activity_id, name):
    return agent.post(f"/api/v1/activities/{activity_id}/tags", json={"name": name})


def test_C6_tags_are_unique_under_unicode_normalisation_and_turkish_case(agent):
    activity_id = agent.call("+31201234567", "d-1").get_json()["activity"]["id"]
    assert tag(agent, activity_id, "caf\u00e9").status_code == 201
    assert tag(agent, activity_id, "cafe\u0301").status_code == 409  # the same, decomposed
    assert tag(agent, activity_id, "İstanbul").status_code == 201
    assert tag(agent, activity_id, "istanbul").status_code == 409
    assert tag(agent, activity_id, "ISTANBUL").status_code == 409


def test_C6_26_e_with_a_combining_accent_are_26_characters(agent):
    activity_id = agent.call("+31201234567", "d-1").get_json()["activity"]["id"]
    assert tag(agent, activity_id, "e\u0301" * 26).status_code == 201
    assert tag(agent, activity_id, "e\u0301" * 51).status_code == 422


def test_C6_a_tag_with_a_slash_can_be_removed(agent):
    activity_id = agent.call("+31201234567", "d-1").get_json()["activity"]["id"]
    assert tag(agent, activity_id, "in/out").status_code == 201
    removed = agent.delete(f"/api/v1/activities/{activity_id}/tags/in%2Fout")
    assert removed.status_code == 200 and removed.get_json()["tags"] == []
    assert tag(agent, activity_id, "a/b/c").status_code == 201
    assert agent.delete(f"/api/v1/activities/{activity_id}/tags/a/b/c").status_code == 200


def test_O3_full_width_digits_name_no_record(agent):
    call = agent.call("+31201234567", "d-1").get_json()
    request_id = call["request"]["id"]
    full_width = "".join(chr(0xFF10 + int(digit)) for digit in request_id)
    assert agent.get(f"/api/v1/requests/{full_width}").status_code == 404
    assert agent.get(f"/api/v1/requests/{request_id}").status_code == 200
