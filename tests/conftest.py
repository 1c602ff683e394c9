"""Fixtures: a real database (SQLite file, or PostgreSQL with DATABASE_URL), a real Redis
(REDIS_URL, or the embedded one) and a real HTTP server for the Finesse verification path."""

import base64
import os
import socket
import threading

import peewee as pw
import pytest
from werkzeug.serving import make_server

from server import clock, create_app
from server.extensions import migrate
from server.models import MODELS, database
from server.widget.i18n import compile_catalogues

# Tests run in development, explicitly (unset means production); the services, workers and
# scripts that tests start as processes inherit it.
os.environ["ENV"] = "development"

pytest_plugins = ["tests.query_guard"]  # every test checks that only the services query


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    from server.embedded import start_embedded_redis

    url, stop = start_embedded_redis(str(tmp_path_factory.mktemp("redis")))
    yield url
    stop()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    # A clean schema per test session; the migrations build it again.
    from playhouse.db_url import connect

    db = connect(url)
    db.execute_sql("DROP SCHEMA public CASCADE")
    db.execute_sql("CREATE SCHEMA public")
    db.close()
    return url


class LiveServer:
    """The app served over real HTTP on a free port, in a thread."""

    def __init__(self, app, port=0):
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()


def free_port():
    """A port nothing listens on now (the OS picks it), to serve the app on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def app(tmp_path_factory, redis_url, database_url):
    """The service as `make run` prepares it: catalogues compiled, then migrations applied."""
    os.environ["INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    compile_catalogues()  # `make test` has done it; this keeps a bare `pytest` working
    # The port first: settings read at start-up (CORS origins) see the final PUBLIC_URL.
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = create_app(
        {
            "TESTING": True,
            # Every answer built without marshmallow is checked against its schema's dump.
            "CHECK_PLAIN_DUMPS": True,
            "ENV": "development",
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "MOCK_FINESSE": True,
            "PUBLIC_URL": url,
            "FINESSE_URL": url,
        }
    )
    with database.connection_context():
        migrate(app.extensions["redis"].client)
    live = LiveServer(app, port).start()
    app.live_server = live
    yield app
    live.stop()
    app.extensions["live"].stop()  # before the embedded Redis goes: no reconnect noise at exit


@pytest.fixture(autouse=True)
def clean_stores(request, app):
    """Each test starts on empty tables and an empty Redis database."""
    redis = app.extensions["redis"].client
    redis.flushdb()
    with database.connection_context():
        tables = [model._meta.table_name for model in MODELS]
        if isinstance(database.obj, pw.PostgresqlDatabase):
            database.execute_sql(
                "TRUNCATE {} RESTART IDENTITY CASCADE".format(
                    ", ".join(f'"{table}"' for table in tables)
                )
            )
        else:
            for table in reversed(tables):
                database.execute_sql(f'DELETE FROM "{table}"')
    yield


@pytest.fixture
def frozen_clock():
    """The service's clock, stopped at a known time; `frozen_clock.advance(days=5)`."""
    fake = clock.FrozenClock()
    clock.set_clock(fake)
    yield fake
    clock.set_clock(None)


@pytest.fixture
def db(app):
    """A database connection for tests that call the service layer directly."""
    with database.connection_context():
        yield database


def basic(agent_id, password):
    return "Basic " + base64.b64encode(f"{agent_id}:{password}".encode()).decode()


class Agent:
    """An API client signed in as one agent, as the widget would be."""

    def __init__(self, client, token, agent_id):
        self.client = client
        self.token = token
        self.id = agent_id

    def _headers(self, headers=None):
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, path, **kwargs):
        return self.client.get(path, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.client.post(
            path, json=json, headers=self._headers(kwargs.pop("headers", None)), **kwargs
        )

    def patch(self, path, json=None, **kwargs):
        return self.client.patch(
            path, json=json, headers=self._headers(kwargs.pop("headers", None)), **kwargs
        )

    def delete(self, path, **kwargs):
        return self.client.delete(
            path, headers=self._headers(kwargs.pop("headers", None)), **kwargs
        )

    # What the desktop does

    def call(self, number, source_id, **extra):
        body = {
            "medium": "call",
            "source_id": source_id,
            "identity": {"phone": number},
            "state": "answered",
            **extra,
        }
        return self.post("/api/v1/interactions", json=body)

    def email(self, address, source_id, **extra):
        body = {
            "medium": "email",
            "source_id": source_id,
            "identity": {"email": address},
            "state": "opened",
            **extra,
        }
        return self.post("/api/v1/interactions", json=body)

    def chat(self, handle, source_id, **extra):
        body = {
            "medium": "chat",
            "source_id": source_id,
            "identity": {"chat": handle},
            "state": "accepted",
            **extra,
        }
        return self.post("/api/v1/interactions", json=body)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def sign_in(client):
    """Sign in through the real Finesse verification path (the mock Finesse REST API)."""

    def sign_in(agent_id="agent1", password=None):
        password = password or "password" + agent_id[-1]
        response = client.post(
            "/api/v1/session",
            json={"finesse": {"id": agent_id, "authorization": basic(agent_id, password)}},
        )
        assert response.status_code == 201, response.get_json()
        return Agent(client, response.get_json()["token"], agent_id)

    return sign_in


@pytest.fixture
def agent(sign_in):
    return sign_in("agent1")


@pytest.fixture
def agent2(sign_in):
    return sign_in("agent2")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, one for the whole run.

    Playwright's sync API allows one instance per thread, so every browser test (harness,
    widget) shares this one.
    """
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(chromium):
        pytest.skip(f"no Chromium at {chromium}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()
