"""O2 / issue 4: two real web processes (two ports, one database, one Redis) deliver each
other's live events: an edit made through one reaches a watcher connected to the other."""

import pytest
import requests

from tests.live.conftest import Socket, changed, of_type, ws_url
from tests.live.servers import ServerProcess

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def two_processes(app, database_url, redis_url, tmp_path_factory):
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "MOCK_FINESSE": "1",
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("two-processes")),
    }
    servers = [ServerProcess(env) for _ in range(2)]
    try:
        yield [server.wait_ready() for server in servers]
    finally:
        for server in servers:
            server.stop()


class Http:
    """An agent's HTTP calls to one of the processes."""

    def __init__(self, base_url, agent):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.headers["Authorization"] = f"Bearer {agent.token}"

    def __call__(self, method, path, **kwargs):
        response = self.session.request(method, self.base_url + path, timeout=10, **kwargs)
        assert response.status_code < 300, response.text
        return response.json()


def socket_on(server, agent):
    return Socket(ws_url(server.url, agent.token), server.url)


def test_O2_an_edit_on_one_process_reaches_a_watcher_on_the_other(two_processes, agent, agent2):
    first, second = two_processes
    on_first, on_second = Http(first.url, agent2), Http(second.url, agent)
    customer = on_first("POST", "/api/v1/customers", json={"name": "Sanne de Vries"})
    request = on_first(
        "POST", f"/api/v1/customers/{customer['id']}/requests", json={"title": "Printer jams"}
    )
    watcher_on_second, watcher_on_first = socket_on(second, agent), socket_on(first, agent2)
    try:
        watcher_on_second.watch("request", request["id"])
        watcher_on_first.watch("request", request["id"])

        saved = on_first(
            "PATCH",
            f"/api/v1/requests/{request['id']}",
            json={"version": request["version"], "title": "Printer on fire"},
        )
        event = watcher_on_second.next(changed("request", request["id"]))
        assert (event["version"], event["by"]) == (saved["version"], "agent2")

        # And the other way round, through the other process.
        again = on_second(
            "PATCH",
            f"/api/v1/requests/{request['id']}",
            json={"version": saved["version"], "title": "Printer fixed"},
        )
        event = watcher_on_first.next(changed("request", request["id"]))
        assert (event["version"], event["by"]) == (again["version"], "agent1")
    finally:
        watcher_on_second.close()
        watcher_on_first.close()


def test_C1_an_interaction_registered_on_one_process_reaches_the_agent_on_the_other(
    two_processes, agent
):
    first, second = two_processes
    socket = socket_on(second, agent)
    try:
        socket.watch("customer", "0")
        call = Http(first.url, agent)(
            "POST",
            "/api/v1/interactions",
            json={
                "medium": "call",
                "source_id": "dialog-two-1",
                "identity": {"phone": "+31205550199"},
                "state": "answered",
            },
        )
        event = socket.next(of_type("interaction"))
        assert event["action"] == "opened" and event["activity_id"] == call["activity"]["id"]
    finally:
        socket.close()


def test_C3_presence_spans_processes(two_processes, agent, agent2):
    first, second = two_processes
    mine, theirs = socket_on(first, agent), socket_on(second, agent2)
    try:
        mine.watch("customer", "41")
        theirs.watch("customer", "41")
        event = mine.next(lambda e: e["type"] == "presence" and e["agents"])
        assert [a["id"] for a in event["agents"]] == ["agent2"]
    finally:
        mine.close()
        theirs.close()
