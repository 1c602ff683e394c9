"""The production files in deploy/: they parse, and they say what docs/operations.md says.

Docker cannot run here; these tests keep compose.yaml, the Caddyfile and the systemd units
correct in form and consistent with the repository (commands, files, settings).
"""

import configparser
import os
import pathlib
import re
import shlex

import yaml

from server import config

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_O2_compose_has_the_stores_two_web_processes_two_workers_and_a_proxy():
    services = compose()["services"]
    assert {"postgres", "redis", "migrate", "web1", "web2", "worker1", "worker2", "caddy"} <= set(
        services
    )
    for name in ("web1", "web2"):
        web = services[name]
        assert web["command"] == ["gunicorn", "-c", "deploy/gunicorn.conf.py"]
        assert web["environment"]["BIND"] == "0.0.0.0:8000"
        assert web["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    for name in ("worker1", "worker2"):
        command = services[name]["command"]
        assert command[:4] == ["rq", "worker", "-w", "server.jobs.Worker"]
        assert "--with-scheduler" in command and services[name]["stop_signal"] == "SIGTERM"
    assert services["migrate"]["command"] == ["flask", "--app", "server", "migrate"]
    assert services["redis"]["command"][:3] == ["redis-server", "--appendonly", "yes"]
    caddy = services["caddy"]
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in caddy["volumes"]
    assert "443:443" in caddy["ports"]


def test_O4_compose_sets_every_setting_production_needs_and_no_mock():
    environment = compose()["services"]["web1"]["environment"]
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PUBLIC_URL"):
        assert environment[name], name
        assert name in config.DEFAULTS, name
    # Optional: left empty, the deployment is a Care Desktop without Finesse sign-in.
    assert environment["FINESSE_URL"] == "${FINESSE_URL:-}"
    assert environment["MOCK_FINESSE"] == "0"
    assert environment["DATABASE_URL"].startswith("postgresql://")
    # Secrets come from the operator's env file: a missing one stops compose with its name.
    text = (DEPLOY / "compose.yaml").read_text()
    for secret in ("POSTGRES_PASSWORD", "SECRET_KEY", "INTEGRATION_KEY", "METRICS_TOKEN"):
        assert re.search(r"\$\{" + secret + r":\?", text), secret
        assert f"{secret}=" in (DEPLOY / "context-desk.env.example").read_text()


def test_the_compose_build_and_the_proxy_name_files_that_exist():
    services = compose()["services"]
    build = services["web1"]["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).is_file()
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    # Every upstream is a web service of the compose file, on the port it binds.
    upstreams = re.search(r"reverse_proxy ([^{]+)\{", caddyfile).group(1).split()
    assert upstreams == ["web1:8000", "web2:8000"]
    assert "health_uri /readyz" in caddyfile
    assert re.search(r"@metrics path /metrics\s+respond @metrics 404", caddyfile)
    assert caddyfile.count("{") == caddyfile.count("}")


def unit(name):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name)
    return parser


def test_O2_systemd_units_run_the_documented_commands():
    web = unit("context-desk-web.service")
    start = shlex.split(web["Service"]["ExecStart"])
    assert start[1:] == ["-c", "deploy/gunicorn.conf.py"] and start[0].endswith("/gunicorn")
    assert web["Service"]["KillSignal"] == "SIGTERM"
    assert web["Service"]["Environment"]  # PROMETHEUS_MULTIPROC_DIR, on a runtime directory
    assert "context-desk-migrate.service" in web["Unit"]["Requires"]
    worker = unit("context-desk-worker@.service")
    assert "server.jobs.Worker --with-scheduler" in worker["Service"]["ExecStart"]
    migrate = unit("context-desk-migrate.service")
    assert migrate["Service"]["Type"] == "oneshot"
    assert migrate["Service"]["ExecStart"].endswith("flask --app server migrate")
    for name in os.listdir(DEPLOY / "systemd"):
        assert f"deploy/systemd/{name}" in (ROOT / "docs" / "operations.md").read_text(), name


def test_the_gunicorn_configuration_is_what_was_measured(monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # it would set one itself
    settings = {}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), settings)
    assert settings["worker_class"] == "server.web_worker.ThreadWorker"  # gthread's subclass
    assert settings["threads"] == 600  # docs/live.md: a thread per open socket
    assert settings["timeout"] == 0 and settings["graceful_timeout"] == 30
    assert settings["accesslog"] is None  # it would print the socket's ?token=
    assert callable(settings["child_exit"]) and callable(settings["post_worker_init"])
