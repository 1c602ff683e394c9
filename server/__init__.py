"""Context Desk: the customer-context service for contact-centre agents."""

import os

from flask import Flask, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from server import config, inputs


def create_app(test_config=None):
    """Build the service: settings, stores, blueprints, error handlers, commands.

    It only configures and registers: it starts no process, applies no migration and compiles
    no catalogue (`make run` does those once, before serving). A missing or unsafe setting
    raises `config.ConfigError` naming it (O4).
    """
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # What browsers load (the widget, the gadget's bridge, the harness) is the repository's static/.
    app = Flask(
        __name__,
        static_folder=os.path.join(root, "static"),
        instance_path=os.environ.get("INSTANCE_PATH", os.path.join(root, "instance")),
    )
    # orjson out (server/fast_json.py); in, deep JSON is a 400, not a RecursionError (O3).
    app.json = inputs.JSONProvider(app)
    app.config.from_mapping(config.DEFAULTS)
    app.config.from_mapping(config.from_environment())
    if test_config:
        app.config.from_mapping(test_config)
    config.finish(app.config)
    os.makedirs(app.instance_path, exist_ok=True)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app):
    from server import auth, cors, headers, logs
    from server.extensions import limiter, open_database, redis_store, sock, sqlite_url
    from server.models import database

    logs.init_app(app)  # first: every later hook's lines carry the request id

    @app.before_request
    def refuse_streamed_body_over_the_limit():
        # A chunked body has no Content-Length, and Werkzeug reads it only up to
        # MAX_CONTENT_LENGTH, silently: the JSON found cut short was a 400. Whatever fills the
        # limit is the 413 it is (API.md, O3); a body of exactly the limit is refused too,
        # since the rest of the stream cannot be told apart from nothing more.
        limit = request.max_content_length
        if request.content_length is None and request.headers.get("Transfer-Encoding"):
            if limit is not None and len(request.get_data()) >= limit:
                raise RequestEntityTooLarge()

    redis_store.init_app(app)
    open_database(app.config["DATABASE_URL"] or sqlite_url(app))
    sock.init_app(app)
    limiter.init_app(app)
    auth.init_app(app)
    cors.init_app(app)
    headers.init_app(app)

    @app.before_request
    def connect_database():
        # Only a connection this request opened is closed after it (tests may hold one).
        g.opened_database = database.connect(reuse_if_open=True)

    @app.teardown_request
    def close_database(exc):
        if g.pop("opened_database", False) and not database.is_closed():
            database.close()


def register_blueprints(app):
    from server import api, desk, gadget, health, monitoring, realtime, widget
    from server.harness import bp as harness_bp

    app.register_blueprint(api.bp)
    app.register_blueprint(health.bp)
    monitoring.init_app(app)
    gadget.init_app(app)
    realtime.init_app(app)
    widget.init_app(app)
    desk.init_app(app)
    if config.is_development(app.config) and app.config["MOCK_FINESSE"]:
        app.register_blueprint(harness_bp)


def register_errorhandlers(app):
    from server.errorhandlers import init_app

    init_app(app)


def register_commands(app):
    from server.commands import init_app

    init_app(app)
