"""C12: customers found the way agents search, and a shared identity is a choice."""

import pytest

from server.services.paging import encode_cursor

PEOPLE = [
    {"name": "Élodie Moreau", "email": "elodie.moreau@example.fr", "phone": "+33 1 55 55 01 02"},
    {"name": "Sanne Jansen", "email": "sanne.jansen@example.nl", "phone": "+31 20 555 0101"},
    {"name": "Mehmet Öztürk", "email": "m.ozturk@example.com.tr", "phone": "+90 212 555 0104"},
    {"name": "İsmail IŞIK", "email": "isik@example.com.tr"},
    {"name": "Jean-Pierre O'Brien", "email": "jp@example.ie"},
]


@pytest.fixture
def people(agent):
    made = {}
    for person in PEOPLE:
        response = agent.post("/api/v1/customers", json=person)
        assert response.status_code == 201, response.get_json()
        made[person["name"]] = response.get_json()["id"]
    return made


def found(agent, q, **query):
    response = agent.get("/api/v1/customers", query_string={"q": q, **query})
    assert response.status_code == 200, response.get_json()
    return [customer["name"] for customer in response.get_json()["items"]]


@pytest.mark.parametrize(
    ("q", "name"),
    [
        ("Moreau", "Élodie Moreau"),
        ("moreau", "Élodie Moreau"),
        ("Jansen", "Sanne Jansen"),
        ("Öztürk", "Mehmet Öztürk"),
        ("ozturk", "Mehmet Öztürk"),
        ("OZTÜRK", "Mehmet Öztürk"),
        ("elodie moreau", "Élodie Moreau"),
        ("moreau elodie", "Élodie Moreau"),  # surname first
        ("ÉLODIE", "Élodie Moreau"),
        ("mehmet ozturk", "Mehmet Öztürk"),
        ("meh özt", "Mehmet Öztürk"),  # the start of each word
        ("ismail isik", "İsmail IŞIK"),  # Turkish dotted capital İ and dotless ı
        ("ISMAIL", "İsmail IŞIK"),
        ("ışık", "İsmail IŞIK"),
        ("pierre", "Jean-Pierre O'Brien"),
        ("jean-pierre", "Jean-Pierre O'Brien"),
        ("obrien", "Jean-Pierre O'Brien"),
        ("o'brien jean", "Jean-Pierre O'Brien"),
    ],
)
def test_C12_any_word_of_the_name_without_accents_or_case(agent, people, q, name):
    assert found(agent, q) == [name]


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("example.nl", ["Sanne Jansen"]),  # the domain
        ("@example.com.tr", ["Mehmet Öztürk", "İsmail IŞIK"]),
        ("example.com", ["Mehmet Öztürk", "İsmail IŞIK"]),
        ("sanne.jansen@example.nl", ["Sanne Jansen"]),  # the whole address
        ("SANNE.JANSEN@EXAMPLE.NL", ["Sanne Jansen"]),
        ("sanne.jansen@exa", ["Sanne Jansen"]),
        ("sanne.jansen", ["Sanne Jansen"]),  # the local part
        ("m.ozturk", ["Mehmet Öztürk"]),
        ("isik@", ["İsmail IŞIK"]),
        ("nobody@example.nl", []),
    ],
)
def test_C12_email_by_address_local_part_or_domain(agent, people, q, names):
    assert sorted(found(agent, q)) == names


@pytest.mark.parametrize(
    "q",
    [
        "01 55 55 01 02",  # typed nationally in France, on a Dutch desk (DEFAULT_REGION NL)
        "01.55.55.01.02",
        "+33 1 55 55 01 02",
        "0033 1 55 55 01 02",
        "33155550102",
        "1 55 55 01 02",
    ],
)
def test_C12_a_phone_number_in_any_format_with_the_customers_country(agent, people, q):
    assert found(agent, q) == ["Élodie Moreau"]


def test_C12_the_agents_country_first_then_the_customers(agent, people):
    # A Delft number (015 …) is the same national digits as Élodie's Paris number; typed
    # nationally on a Dutch desk it is first the Dutch number, then hers, each once.
    delft = {"name": "Daan de Vries", "phone": "015 555 0102"}
    assert agent.post("/api/v1/customers", json=delft).status_code == 201
    assert found(agent, "01 55 55 01 02") == ["Daan de Vries", "Élodie Moreau"]
    assert found(agent, "+33 1 55 55 01 02") == ["Élodie Moreau"]
    first = agent.get("/api/v1/customers", query_string={"q": "0155550102", "limit": 1})
    assert [c["name"] for c in first.get_json()["items"]] == ["Daan de Vries"]
    second = agent.get(
        "/api/v1/customers",
        query_string={"q": "0155550102", "limit": 1, "cursor": first.get_json()["next"]},
    ).get_json()
    assert [c["name"] for c in second["items"]] == ["Élodie Moreau"]
    assert second["next"] is None


def test_C12_an_exact_word_before_the_words_it_starts(agent):
    for name in ("Ans Jansen", "Jan Peeters", "Janneke Bos"):
        agent.post("/api/v1/customers", json={"name": name})
    assert found(agent, "jan") == ["Jan Peeters", "Janneke Bos", "Ans Jansen"]


def test_C12_pages_never_show_a_customer_twice(agent):
    # Two of her words start with "mor": she is listed once, at the first.
    agent.post("/api/v1/customers", json={"name": "Morgane Moreau"})
    for number in range(25):
        agent.post("/api/v1/customers", json={"name": f"Paul Morel{number:02d}"})
    seen, cursor = [], None
    while True:
        query = {"q": "mor", "limit": 7, **({"cursor": cursor} if cursor else {})}
        body = agent.get("/api/v1/customers", query_string=query).get_json()
        seen += [customer["name"] for customer in body["items"]]
        cursor = body["next"]
        if not cursor:
            break
    assert len(seen) == 26 and len(set(seen)) == 26
    assert seen[0] == "Morgane Moreau"  # at "moreau", before "morel00"; not at "morgane"
    assert seen.count("Morgane Moreau") == 1


def test_C12_edits_change_what_finds_a_customer(agent, people):
    customer = agent.get(f"/api/v1/customers/{people['Élodie Moreau']}").get_json()
    response = agent.patch(
        f"/api/v1/customers/{customer['id']}",
        json={"version": customer["version"], "name": "Élodie Martin", "email": "em@example.be"},
    )
    assert response.status_code == 200
    assert found(agent, "moreau") == []
    assert found(agent, "martin") == ["Élodie Martin"]
    assert found(agent, "example.be") == ["Élodie Martin"]
    assert found(agent, "example.fr") == []
    assert found(agent, "01 55 55 01 02") == ["Élodie Martin"]  # the phone was not edited


def test_C12_an_unknown_caller_is_found_once_created(agent):
    call = agent.call("06 1234 5678", "d-unknown").get_json()
    assert found(agent, "0612345678") == []  # an unknown customer is no search result
    created = agent.post(
        "/api/v1/customers",
        json={"name": "Kees Smit", "activity_id": call["activity"]["id"]},
    )
    assert created.status_code == 201
    assert found(agent, "0612345678") == ["Kees Smit"]
    assert found(agent, "smit") == ["Kees Smit"]


@pytest.mark.parametrize("q", ["", "moreau", "0155550102"])
@pytest.mark.parametrize(
    "cursor",
    [["w", "a", 1, 2], ["p", "x", 1], ["w", "a", True], [1, 2, 3], {"a": 1}, "w", [None, 1]],
)
def test_C12_a_cursor_of_another_shape_is_422_never_500(agent, people, q, cursor):
    response = agent.get(
        "/api/v1/customers", query_string={"q": q, "cursor": encode_cursor(cursor)}
    )
    assert response.status_code == 422
    assert "cursor" in response.get_json()["errors"]


def test_C12_search_of_punctuation_alone_finds_nothing(agent, people):
    assert found(agent, "- . '") == []
    assert found(agent, "@") == []


def test_C12_widget_search_finds_every_word_too(agent, people):
    page = agent.get("/widget/search", query_string={"q": "ozturk"}).get_data(as_text=True)
    assert "Mehmet Öztürk" in page
    page = agent.get("/widget/search", query_string={"q": "01 55 55 01 02"}).get_data(as_text=True)
    assert "Élodie Moreau" in page


# A number or email shared by several customers is a choice, never silently resolved.


def shared_line(agent, count=3):
    ids = []
    for number in range(count):
        response = agent.post(
            "/api/v1/customers",
            json={"name": f"Family Member {number}", "phone": "+31 20 555 0199"}
            | ({"confirm_shared": True} if number else {}),
        )
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
    return ids


def test_C12_an_interaction_from_a_shared_number_lists_every_customer(agent):
    ids = shared_line(agent)
    body = agent.call("020 555 0199", "d-shared").get_json()
    # The activity still goes to the most recently updated customer, as before ...
    assert body["customer"]["id"] == ids[-1]
    # ... and the answer names every customer with that number, that one first.
    assert [match["id"] for match in body["matches"]] == list(reversed(ids))
    repeat = agent.call("020 555 0199", "d-shared").get_json()  # the same dialog again
    assert [match["id"] for match in repeat["matches"]] == list(reversed(ids))


def test_C12_an_interaction_from_one_customers_number_has_no_choice(agent, people):
    body = agent.call("+31 20 555 0101", "d-one").get_json()
    assert body["customer"]["name"] == "Sanne Jansen"
    assert body["matches"] == []
    assert agent.call("+31 20 555 0999", "d-nobody").get_json()["matches"] == []


def test_C12_creating_with_another_customers_email_or_phone_asks(agent, people):
    taken = agent.post(
        "/api/v1/customers", json={"name": "E. Moreau", "email": "Elodie.Moreau@example.fr"}
    )
    assert taken.status_code == 409
    problem = taken.get_json()
    assert problem["type"] == "/problems/identity-taken"
    assert problem["fields"] == ["email"]
    assert [c["id"] for c in problem["customers"]] == [people["Élodie Moreau"]]
    assert problem["customers"][0]["name"] == "Élodie Moreau"
    assert "Élodie Moreau" in problem["detail"]
    assert found(agent, "moreau") == ["Élodie Moreau"]  # nothing was created

    by_phone = agent.post("/api/v1/customers", json={"name": "X", "phone": "0033155550102"})
    assert by_phone.status_code == 409 and by_phone.get_json()["fields"] == ["phone"]

    confirmed = agent.post(
        "/api/v1/customers",
        json={"name": "E. Moreau", "email": "elodie.moreau@example.fr", "confirm_shared": True},
    )
    assert confirmed.status_code == 201
    assert sorted(found(agent, "elodie.moreau@example.fr")) == ["E. Moreau", "Élodie Moreau"]


def test_C12_editing_to_another_customers_phone_asks(agent, people):
    sanne = agent.get(f"/api/v1/customers/{people['Sanne Jansen']}").get_json()
    path = f"/api/v1/customers/{sanne['id']}"
    taken = agent.patch(path, json={"version": sanne["version"], "phone": "+33155550102"})
    assert taken.status_code == 409
    assert taken.get_json()["type"] == "/problems/identity-taken"
    assert taken.get_json()["customers"][0]["id"] == people["Élodie Moreau"]
    assert agent.get(path).get_json()["version"] == sanne["version"]  # nothing saved

    saved = agent.patch(
        path, json={"version": sanne["version"], "phone": "+33155550102", "confirm_shared": True}
    )
    assert saved.status_code == 200
    # Keeping a number already shared, or editing something else, asks nothing again.
    version = saved.get_json()["version"]
    again = agent.patch(
        path, json={"version": version, "phone": "+33 1 55 55 01 02", "name": "S J"}
    )
    assert again.status_code == 200, again.get_json()
    # Her own email is no conflict with herself.
    own = agent.patch(path, json={"version": version + 1, "email": "sanne.jansen@example.nl"})
    assert own.status_code == 200
