"""Fail closed (O4): outside development nothing is assumed, and a missing or unsafe setting
stops the service at start with one line naming it. Serving needs every migration applied."""

import json
import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from server import config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
# What the caller's environment (CI, the tests' own conftest) may hold: each test says its own.
SETTINGS = set(config.DEFAULTS) | {"ENV", "HARNESS", "INSTANCE_PATH", "PORT"}
STRONG_SECRET = "s" * 40


def environment(tmp_path, **settings):
    """The process environment with only the given settings (None: left out)."""
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS}
    env.update(INSTANCE_PATH=str(tmp_path / "instance"), PYTHONUNBUFFERED="1")
    env.update({key: value for key, value in settings.items() if value is not None})
    return env


def production(tmp_path, redis_url, **settings):
    """A complete production environment, which each test spoils in one way."""
    complete = {
        "ENV": "production",
        "SECRET_KEY": STRONG_SECRET,
        "PUBLIC_URL": "https://desk.example.com",
        "FINESSE_URL": "https://finesse.example.com",
        "METRICS_TOKEN": "m" * 24,
        "REDIS_URL": redis_url,
        "DATABASE_URL": f"sqlite:///{tmp_path}/production.sqlite3",
    }
    return environment(tmp_path, **{**complete, **settings})


def run(command, env, timeout=60):
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def flask(*args):
    return [os.path.join(BIN, "flask"), "--app", "server", *args]


def test_O4_production_without_secret_key_stops_with_one_line(tmp_path, redis_url):
    """`python -m server.runner` (what `make run` starts, here without ENV=development)."""
    env = production(tmp_path, redis_url, SECRET_KEY=None, PORT="1")
    result = run([sys.executable, "-m", "server.runner"], env)
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "context-desk: configuration error: SECRET_KEY is not set (required outside development)"
    ]


def test_O4_unset_env_is_production_and_flask_commands_say_so_in_one_line(tmp_path):
    result = run(flask("migrate"), environment(tmp_path))
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "context-desk: configuration error: SECRET_KEY is not set (required outside development)"
    ]


def test_O4_development_without_redis_url_says_make_run_starts_one(tmp_path):
    result = run(flask("migrate"), environment(tmp_path, ENV="development"))
    assert result.returncode != 0
    assert result.stderr.splitlines() == [
        "context-desk: configuration error: REDIS_URL is not set "
        "(`make run` starts an embedded Redis)"
    ]


PRODUCTION = {
    **config.DEFAULTS,
    "ENV": "production",
    "SECRET_KEY": STRONG_SECRET,
    "PUBLIC_URL": "https://desk.example.com",
    "FINESSE_URL": "https://finesse.example.com",
    "METRICS_TOKEN": "m" * 24,
    "REDIS_URL": "redis://redis.internal:6379/0",
}


@pytest.mark.parametrize(
    ("setting", "value", "says"),
    [
        ("SECRET_KEY", None, "SECRET_KEY is not set (required outside development)"),
        ("SECRET_KEY", "dev-only-secret-change-me", "SECRET_KEY is the development key"),
        ("SECRET_KEY", "short-but-not-empty", "SECRET_KEY is too short (19 characters"),
        ("INTEGRATION_KEY", "dev-integration-key", "INTEGRATION_KEY is the development key"),
        ("INTEGRATION_KEY", "abc", "INTEGRATION_KEY is too short (3 characters"),
        ("MOCK_FINESSE", True, "MOCK_FINESSE is on"),
        ("METRICS_TOKEN", None, "METRICS_TOKEN is not set (required outside development"),
        ("METRICS_TOKEN", "abc", "METRICS_TOKEN is too short (3 characters"),
        ("FINESSE_URL", "finesse.example.com", "FINESSE_URL is not an http(s) URL"),
        ("PUBLIC_URL", None, "PUBLIC_URL is not set (required outside development)"),
        ("REDIS_URL", None, "REDIS_URL is not set"),
    ],
)
def test_O4_a_missing_or_unsafe_setting_is_named(setting, value, says):
    with pytest.raises(config.ConfigError) as raised:
        config.finish({**PRODUCTION, setting: value})
    assert raised.value.line().startswith("context-desk: configuration error: " + says)
    assert "\n" not in raised.value.line()


def test_O4_any_env_but_development_is_production():
    for env in ("production", "prod", "staging", "", None, "Development-ish"):
        with pytest.raises(config.ConfigError, match="SECRET_KEY is not set"):
            config.finish({**config.DEFAULTS, "ENV": env, "REDIS_URL": "redis://r:6379/0"})


def test_O4_production_has_no_integration_key_and_no_mock_by_default():
    settings = config.finish(dict(PRODUCTION))
    assert settings["INTEGRATION_KEY"] is None
    assert settings["MOCK_FINESSE"] is False
    assert settings["FINESSE_URL"] == "https://finesse.example.com"


def test_O4_development_keeps_its_defaults():
    settings = config.finish({**config.DEFAULTS, "ENV": "development", "REDIS_URL": "redis://r"})
    assert settings["SECRET_KEY"] == "dev-only-secret-change-me"
    assert settings["INTEGRATION_KEY"] == "dev-integration-key"
    assert settings["MOCK_FINESSE"] is True
    assert settings["FINESSE_URL"] == settings["PUBLIC_URL"] == "http://127.0.0.1:8000"


def test_O4_a_setting_that_is_not_a_number_is_named():
    with pytest.raises(config.ConfigError, match="SESSION_TTL is not a number: 'eight hours'"):
        config.from_environment({"SESSION_TTL": "eight hours"})


PROBE = textwrap.dedent(
    """
    import json
    from server import create_app

    app = create_app()
    client = app.test_client()
    tasks = {"medium": "chat", "identity": {"chat": "visitor"}, "subject": "Hello"}
    print(json.dumps({
        "harness": "harness" in app.blueprints,
        "harness_page": client.get("/harness/").status_code,
        "dev_key": client.post(
            "/api/v1/tasks", json=tasks, headers={"X-Integration-Key": "dev-integration-key"}
        ).status_code,
        "empty_key": client.post(
            "/api/v1/tasks", json=tasks, headers={"X-Integration-Key": ""}
        ).status_code,
    }))
    """
)


def test_O4_production_serves_no_harness_and_no_integration_key_opens_tasks(tmp_path, redis_url):
    result = run([sys.executable, "-c", PROBE], production(tmp_path, redis_url))
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen == {"harness": False, "harness_page": 404, "dev_key": 401, "empty_key": 401}


WITHOUT_FINESSE = textwrap.dedent(
    """
    import base64, json
    from server import create_app
    from server.models import database
    from server.services.sessions import create_local_agent

    app = create_app()
    with app.app_context(), database.connection_context():
        create_local_agent("ann", "a-long-password", "Ann Agent")
    client = app.test_client()
    basic = "Basic " + base64.b64encode(b"ann:a-long-password").decode()
    finesse = client.post(
        "/api/v1/session", json={"finesse": {"id": "ann", "authorization": basic}}
    )
    local = client.post(
        "/api/v1/session", json={"local": {"username": "ann", "password": "a-long-password"}}
    )
    print(json.dumps({"finesse": finesse.status_code, "local": local.status_code,
                      "desk": client.get("/desk/").status_code}))
    """
)


def test_O4_production_runs_without_finesse_and_then_accepts_no_finesse_sign_in(
    tmp_path, redis_url
):
    """A team on the Care Desktop alone sets no FINESSE_URL: the service starts, local
    accounts sign in, and a Finesse sign-in is refused (nothing to verify it with)."""
    assert config.finish({**PRODUCTION, "FINESSE_URL": None})["FINESSE_URL"] is None
    env = production(tmp_path, redis_url, FINESSE_URL=None)
    migrated = run(flask("migrate"), env)
    assert migrated.returncode == 0, migrated.stderr
    result = run([sys.executable, "-c", WITHOUT_FINESSE], env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {"finesse": 401, "local": 201, "desk": 200}


def test_O4_seed_demo_refuses_outside_development(tmp_path, redis_url):
    env = production(tmp_path, redis_url)
    migrated = run(flask("migrate"), env)
    assert migrated.returncode == 0, migrated.stderr
    result = run(flask("seed-demo"), env)
    assert result.returncode != 0
    assert "only with ENV=development" in result.stderr
    assert "Traceback" not in result.stderr
    with sqlite3.connect(tmp_path / "production.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM agent").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM customer").fetchone() == (0,)


def test_O1_the_service_refuses_to_serve_with_pending_migrations(tmp_path, redis_url):
    """gunicorn on `server.wsgi:app` (as `make run` serves) stops with one line, then serves
    once `flask --app server migrate` has run."""
    env = environment(
        tmp_path,
        ENV="development",
        REDIS_URL=redis_url,
        DATABASE_URL=f"sqlite:///{tmp_path}/fresh.sqlite3",
    )
    web = [os.path.join(BIN, "gunicorn"), "server.wsgi:app", "--bind=127.0.0.1:0"]
    web += ["--no-control-socket"]
    result = run(web, env)
    assert result.returncode != 0
    ours = [line for line in result.stderr.splitlines() if line.startswith("context-desk:")]
    assert len(ours) == 1, result.stderr
    assert ours[0].startswith("context-desk: configuration error: the database has ")
    assert "pending migration(s), 0001_initial" in ours[0]
    assert ours[0].endswith("(run `flask --app server migrate`)")
    assert "Traceback" not in result.stderr

    assert run(flask("migrate"), env).returncode == 0
    loaded = run([sys.executable, "-c", "import server.wsgi"], env)
    assert loaded.returncode == 0, loaded.stderr
