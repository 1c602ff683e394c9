"""C6 tags, comments, D7 moving an activity."""


def call(agent, source_id="d1", number="+31 20 123 4567"):
    return agent.call(number, source_id).get_json()


def test_C6_tags_are_added_and_listed(agent):
    activity = call(agent)["activity"]
    response = agent.post(f"/api/v1/activities/{activity['id']}/tags", json={"name": "VIP"})
    assert response.status_code == 201
    assert response.get_json()["tags"] == ["VIP"]
    assert response.get_json()["version"] == activity["version"] + 1


def test_C6_duplicate_tag_compared_trimmed_and_case_insensitively_is_409(agent):
    activity = call(agent)["activity"]
    agent.post(f"/api/v1/activities/{activity['id']}/tags", json={"name": "VIP"})
    duplicate = agent.post(f"/api/v1/activities/{activity['id']}/tags", json={"name": " vip "})
    assert duplicate.status_code == 409
    assert "already" in duplicate.get_json()["detail"]
    assert agent.get(f"/api/v1/activities/{activity['id']}").get_json()["tags"] == ["VIP"]


def test_C6_50_characters_are_accepted_and_51_refused(agent):
    activity = call(agent)["activity"]
    ok = agent.post(f"/api/v1/activities/{activity['id']}/tags", json={"name": "t" * 50})
    assert ok.status_code == 201
    refused = agent.post(f"/api/v1/activities/{activity['id']}/tags", json={"name": "u" * 51})
    assert refused.status_code == 422
    assert "50" in refused.get_json()["errors"]["name"][0]


def test_C6_the_same_tag_on_another_activity_is_fine(agent):
    first = call(agent, "d1")["activity"]
    second = call(agent, "d2")["activity"]
    for activity in (first, second):
        assert (
            agent.post(
                f"/api/v1/activities/{activity['id']}/tags", json={"name": "refund"}
            ).status_code
            == 201
        )


def test_C6_removing_a_tag(agent):
    activity = call(agent)["activity"]
    agent.post(f"/api/v1/activities/{activity['id']}/tags", json={"name": "Refund"})
    removed = agent.delete(f"/api/v1/activities/{activity['id']}/tags/refund")
    assert removed.status_code == 200 and removed.get_json()["tags"] == []
    assert agent.delete(f"/api/v1/activities/{activity['id']}/tags/refund").status_code == 404


def test_empty_tag_is_422(agent):
    activity = call(agent)["activity"]
    response = agent.post(f"/api/v1/activities/{activity['id']}/tags", json={"name": "   "})
    assert response.status_code == 422


def test_comments_are_added_and_listed_oldest_first(agent, agent2):
    activity = call(agent)["activity"]
    first = agent.post(f"/api/v1/activities/{activity['id']}/comments", json={"body": "One"})
    assert first.status_code == 201
    assert first.get_json()["author"] == "agent1"
    agent2.post(f"/api/v1/activities/{activity['id']}/comments", json={"body": "Two"})
    listed = agent.get(f"/api/v1/activities/{activity['id']}/comments").get_json()
    assert [(c["body"], c["author"]) for c in listed["items"]] == [
        ("One", "agent1"),
        ("Two", "agent2"),
    ]
    assert listed["next"] is None


def test_C4_comment_limit(agent):
    activity = call(agent)["activity"]
    assert (
        agent.post(
            f"/api/v1/activities/{activity['id']}/comments", json={"body": "c" * 2000}
        ).status_code
        == 201
    )
    refused = agent.post(f"/api/v1/activities/{activity['id']}/comments", json={"body": "c" * 2001})
    assert refused.status_code == 422 and "body" in refused.get_json()["errors"]


def test_D7_move_an_activity_to_another_request_of_the_customer(agent):
    first = call(agent)
    customer = agent.post(
        "/api/v1/customers", json={"name": "Sanne", "activity_id": first["activity"]["id"]}
    ).get_json()
    other = agent.post(
        f"/api/v1/customers/{customer['id']}/requests", json={"title": "Other issue"}
    ).get_json()
    moved = agent.post(
        f"/api/v1/activities/{first['activity']['id']}/move",
        json={"request_id": other["id"], "version": first["activity"]["version"]},
    )
    assert moved.status_code == 200
    assert moved.get_json()["request_id"] == other["id"]
    stale = agent.post(
        f"/api/v1/activities/{first['activity']['id']}/move",
        json={"request_id": first["request"]["id"], "version": first["activity"]["version"]},
    )
    assert stale.status_code == 409
    assert stale.get_json()["current"]["request_id"] == other["id"]


def test_D7_an_activity_cannot_move_to_another_customers_request(agent):
    first = call(agent, "d1", "+31 20 111 1111")
    second = call(agent, "d2", "+31 20 222 2222")
    response = agent.post(
        f"/api/v1/activities/{first['activity']['id']}/move",
        json={"request_id": second["request"]["id"], "version": first["activity"]["version"]},
    )
    assert response.status_code == 422
    assert "request_id" in response.get_json()["errors"]


def test_unknown_activity_is_404(agent):
    assert agent.get("/api/v1/activities/777").status_code == 404
    assert agent.post("/api/v1/activities/777/tags", json={"name": "x"}).status_code == 404
    assert agent.post("/api/v1/activities/777/comments", json={"body": "x"}).status_code == 404
