"""Flask CLI commands: `flask --app server migrate | seed-demo | close-stale | create-agent`."""

import click
from flask import current_app
from flask.cli import with_appcontext

from server import accounts_commands, config
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
    accounts_commands.init_app(app)  # first: init_operations joins its `agents` group
    init_operations(app)


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


# Operations (O6): a customer's data on request, administrators, backups. Each command or
# group stands alone, so other areas' commands can join the same `agents` group.

customers_group = click.Group("customers", help="A customer's data on request (O6).")


@customers_group.command("export")
@with_appcontext
@click.argument("customer_id")
def export_customer_command(customer_id):
    """Print the customer's complete record as JSON (what the API's export returns)."""
    import json

    from server.errors import Problem
    from server.schemas.privacy import CustomerRecordOut
    from server.services import privacy

    try:
        with database.connection_context():
            record = privacy.export(None, customer_id)
    except Problem as problem:
        raise click.ClickException(problem.detail) from None
    click.echo(json.dumps(CustomerRecordOut().dump(record), indent=2, ensure_ascii=False))


@customers_group.command("erase")
@with_appcontext
@click.argument("customer_id")
@click.confirmation_option(
    prompt="Erase this customer's personal data and free texts for good?",
    help="Do not ask for confirmation.",
)
def erase_customer_command(customer_id):
    """Erase the customer's personal data and free texts; the statistics stay."""
    from server.errors import Problem
    from server.services import privacy

    try:
        with database.connection_context():
            erased = privacy.erase(None, customer_id)
    except Problem as problem:
        raise click.ClickException(problem.detail) from None
    counts = ", ".join(f"{n} {what}" for what, n in erased.counts().items())
    click.echo(f"Customer {erased.customer_id} erased ({counts}); logged in the change log.")


@click.command("admin")
@with_appcontext
@click.argument("agent_id")
@click.option("--revoke", is_flag=True, help="Make the agent an ordinary agent again.")
def admin_command(agent_id, revoke):
    """Make an agent an administrator (who may export and erase customers' data)."""
    from server.services import privacy

    with database.connection_context():
        if not privacy.set_admin(agent_id, not revoke):
            raise click.ClickException(f"No agent {agent_id!r}.")
    click.echo(f"Agent {agent_id} is {'no longer' if revoke else 'now'} an administrator.")


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup_command(path):
    """Copy the SQLite database to PATH while the service runs (PostgreSQL: pg_dump)."""
    from server.services import backup

    try:
        counts = backup.backup_sqlite(path)
    except backup.NotSqlite:
        raise click.ClickException(
            "The database is PostgreSQL: back it up with pg_dump (docs/operations.md)."
        ) from None
    rows = sum(counts.values())
    click.echo(f"Backed up to {path}: integrity ok, {rows} rows in {len(counts)} tables.")


def init_operations(app):
    agents = app.cli.commands.get("agents")
    if agents is None:
        agents = click.Group("agents", help="Agents' accounts.")
        app.cli.add_command(agents)
    agents.add_command(admin_command)
    app.cli.add_command(customers_group)
    app.cli.add_command(backup_command)
