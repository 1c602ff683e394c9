"""Flask CLI for the Care Desktop's accounts and integration keys (D9): a thin adapter.

`flask --app server agents add | list | disable` and `flask --app server intake-keys
create | list | revoke`. The rules are in `server/services/accounts.py`.
"""

import click
from flask.cli import AppGroup

from server.auth import sessions
from server.errors import Problem
from server.models import database
from server.services import accounts

agents_group = AppGroup("agents", help="Care Desktop accounts: add, list, disable.")
keys_group = AppGroup(
    "intake-keys", help="Keys other systems queue calls and emails with (X-Integration-Key)."
)


def init_app(app):
    app.cli.add_command(agents_group)
    app.cli.add_command(keys_group)


def _when(at):
    return at.strftime("%Y-%m-%d %H:%M UTC") if at else ""


def _run(function, *args):
    """Run a service call in a connection; a refusal is one line and exit status 1."""
    try:
        with database.connection_context():
            return function(*args)
    except Problem as problem:
        raise click.ClickException(problem.detail) from None


def _check_name(value, label):
    """Agents' user names and keys' names share one rule: 1 to 100 characters, not blank."""
    if not value.strip() or len(value) > 100:
        raise click.ClickException(f"{label} must be 1 to 100 characters.")


@agents_group.command("add")
@click.argument("username")
@click.password_option(help="Prompted for (twice) when left out.")
@click.option("--name", default=None, help="Display name (the user name if left out).")
def add_agent(username, password, name):
    """Add a local agent who signs in to /desk/ with USERNAME and a password."""
    _check_name(username, "The user name")
    if not password:
        raise click.ClickException("The password must not be empty.")
    _run(accounts.add_agent, username, password, name)
    click.echo(f"Agent {username} can sign in to the Care Desktop.")


@agents_group.command("list")
def list_agents():
    """Every agent: id, name, where it signs in, and whether it is disabled."""
    agents = _run(accounts.list_agents)
    if not agents:
        click.echo("No agents yet: add one with `flask --app server agents add NAME`.")
    for agent in agents:
        state = f"disabled {_when(agent.disabled_at)}" if agent.disabled_at else "active"
        click.echo(f"{agent.id}\t{agent.name}\t{agent.source}\t{state}")


@agents_group.command("disable")
@click.argument("username")
def disable_agent(username):
    """Stop USERNAME signing in; the sessions it has end now."""
    _run(accounts.disable_agent, username, sessions())
    click.echo(f"Agent {username} is disabled; its sessions have ended.")


@keys_group.command("create")
@click.argument("name")
def create_key(name):
    """Create a key named NAME; the key is shown this once and only its hash is kept."""
    _check_name(name, "The name")
    _record, key = _run(accounts.create_key, name)
    click.echo(f"Integration key {name} (shown only now; send it as X-Integration-Key):")
    click.echo(key)


@keys_group.command("list")
def list_keys():
    """Every key by name, with when it was created and revoked (never the key itself)."""
    keys = _run(accounts.list_keys)
    if not keys:
        click.echo("No integration keys yet: create one with `intake-keys create NAME`.")
    for key in keys:
        state = f"revoked {_when(key.revoked_at)}" if key.revoked_at else "in use"
        click.echo(f"{key.name}\tcreated {_when(key.created_at)}\t{state}")


@keys_group.command("revoke")
@click.argument("name")
def revoke_key(name):
    """Revoke the key named NAME: tasks sent with it are refused from now on."""
    _run(accounts.revoke_key, name)
    click.echo(f"Integration key {name} is revoked.")
