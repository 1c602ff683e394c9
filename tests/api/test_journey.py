"""C2: the journey, newest first, paged."""


def test_C2_journey_shows_interactions_newest_first_with_tags(agent, frozen_clock):
    first = agent.call("+31 20 123 4567", "d1").get_json()
    customer = agent.post(
        "/api/v1/customers", json={"name": "Sanne", "activity_id": first["activity"]["id"]}
    ).get_json()
    agent.post(f"/api/v1/activities/{first['activity']['id']}/tags", json={"name": "VIP"})
    frozen_clock.advance(hours=2)
    agent.email("sanne@example.nl", "m1")  # not her address yet: another, unknown customer
    agent.patch(
        f"/api/v1/customers/{customer['id']}",
        json={"version": customer["version"], "email": "sanne@example.nl"},
    )
    frozen_clock.advance(hours=2)
    chat = agent.chat("sanne-chat", "c1").get_json()  # unknown chat id: someone else
    assert chat["customer"] is None
    frozen_clock.advance(hours=2)
    email = agent.email("sanne@example.nl", "m2").get_json()
    assert email["customer"]["id"] == customer["id"]

    items = agent.get(f"/api/v1/customers/{customer['id']}/journey").get_json()["items"]
    started = [item for item in items if item["action"] == "started"]
    assert [item["activity"]["source_id"] for item in started] == ["m2", "d1"]
    assert started[1]["activity"]["tags"] == ["VIP"]
    assert started[0]["request"]["id"] == first["request"]["id"]  # C1b
    times = [item["at"] for item in items]
    assert times == sorted(times, reverse=True)


def test_C2_journey_pages_with_a_cursor_without_gaps_or_repeats(agent, frozen_clock):
    customer = agent.post(
        "/api/v1/customers", json={"name": "Many", "phone": "+31 20 555 0000"}
    ).get_json()
    for number in range(45):
        agent.call("+31 20 555 0000", f"d{number}")
        if number % 3:
            frozen_clock.advance(seconds=1)  # some share a timestamp
    seen, cursor = [], None
    while True:
        query = {"limit": 10, **({"cursor": cursor} if cursor else {})}
        body = agent.get(
            f"/api/v1/customers/{customer['id']}/journey", query_string=query
        ).get_json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 45 + 2  # calls, customer created, request created
    assert seen == sorted(seen, key=int, reverse=True)


def test_C2_journey_of_unknown_customer_is_404(agent):
    assert agent.get("/api/v1/customers/31337/journey").status_code == 404
