"""Flask CLI commands: `flask --app server migrate | seed-demo | close-stale | create-agent`."""

import click
from flask import current_app
from flask.cli import with_appcontext

from server import config
from server.extensions import migrate, redis_client
from server.jobs import failed_jobs_command
from server.models import database
from server.services import customers


def init_app(app):
    app.cli.add_command(migrate_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(close_stale_command)
    app.cli.add_command(create_agent_command)
    app.cli.add_command(failed_jobs_command)


@click.command("migrate")
@with_appcontext
def migrate_command():
    """Apply pending schema migrations."""
    with database.connection_context():
        applied = migrate(redis_client())
    click.echo(f"Applied {len(applied)} migration(s): {', '.join(applied) or 'none pending'}.")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Seed a small demo data set and local accounts when the database is empty (development)."""
    from server.demo import seed

    if not config.is_development(current_app.config):
        # The demo agents' passwords are published: they must never exist in production (O4).
        raise click.ClickException("seed-demo creates demo accounts: only with ENV=development")

    with database.connection_context():
        if customers.any_exist():
            click.echo("The database has customers already; no demo data added.")
            return
        counts = seed()
    click.echo("Demo data: " + ", ".join(f"{n} {what}" for what, n in counts.items()) + ".")


@click.command("close-stale")
@with_appcontext
def close_stale_command():
    """Run the auto-close sweep now (D6) and make sure its next run is scheduled."""
    from server import jobs

    closed = jobs.sweep()
    jobs.kick_sweep()
    click.echo(f"Closed {closed} request(s).")


@click.command("create-agent")
@with_appcontext
@click.argument("username")
@click.password_option()
@click.option("--name", default=None, help="Display name.")
def create_agent_command(username, password, name):
    """Create or reset a local Care Desktop account."""
    from server.services.sessions import create_local_agent

    with database.connection_context():
        create_local_agent(username, password, name)
    click.echo(f"Agent {username} can sign in to the Care Desktop.")
