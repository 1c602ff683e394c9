"""Care Desktop accounts and integration keys: who may sign in to the desk, and which other
systems may queue calls and emails (D9).

Local agents sign in with a hashed password; a disabled agent cannot sign in, and the
sessions it has end at their next request (`Sessions.agent_for` checks). Integration keys are
random, shown once at creation and kept only as a SHA-256 hash: they are long random strings,
not passwords, so a slow hash would buy nothing and cost every queued task a delay.
"""

import hashlib
import hmac
import secrets

import peewee as pw

from server.clock import now
from server.errors import Conflict, Problem
from server.models import Agent, IntegrationKey
from server.services.sessions import create_local_agent

KEY_PREFIX = "cdk_"  # recognisable in logs and secret scanners, never part of the secret


class NotFound(Problem):
    def __init__(self, detail):
        super().__init__(404, detail, type_="/problems/not-found")


# Agents


def add_agent(username, password, name=None):
    """A new local account; refused when the name is taken (by a local or Finesse agent)."""
    if Agent.get_or_none(Agent.id == username) is not None:
        raise Conflict(f"An agent named {username} exists already.", type_="/problems/exists")
    return create_local_agent(username, password, name)


def list_agents():
    """Every agent, local and Finesse, by id."""
    return list(Agent.select().order_by(Agent.id))


def disable_agent(username, sessions):
    """The agent can no longer sign in, and its sessions end; returns the agent.

    `sessions` (the app's `Sessions`) ends the live ones at once; any it missed are refused
    at their next use anyway, since `Sessions.agent_for` checks `disabled_at`.
    """
    agent = Agent.get_or_none(Agent.id == username)
    if agent is None:
        raise NotFound(f"There is no agent named {username}.")
    if agent.disabled_at is None:
        Agent.update(disabled_at=now()).where(Agent.id == username).execute()
    sessions.end_all(username)
    return Agent.get_by_id(username)


# Integration keys (D9)


def _hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(name):
    """A new named key; returns (record, key). The key itself is never stored."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    try:
        record = IntegrationKey.create(name=name, key_hash=_hash(key), created_at=now())
    except pw.IntegrityError:
        raise Conflict(
            f"An integration key named {name} exists already.", type_="/problems/exists"
        ) from None
    return record, key


def list_keys():
    return list(IntegrationKey.select().order_by(IntegrationKey.name))


def revoke_key(name):
    """The key stops working at once; the record stays so the name is not reused by mistake."""
    record = IntegrationKey.get_or_none(IntegrationKey.name == name)
    if record is None:
        raise NotFound(f"There is no integration key named {name}.")
    if record.revoked_at is None:
        IntegrationKey.update(revoked_at=now()).where(IntegrationKey.id == record.id).execute()
    return IntegrationKey.get_by_id(record.id)


def key_is_valid(given):
    """True for a created, unrevoked key (looked up by its hash, compared in constant time)."""
    if not given or not given.startswith(KEY_PREFIX):
        return False  # not one of ours: no need to ask the database
    digest = _hash(given)
    record = IntegrationKey.get_or_none(
        (IntegrationKey.key_hash == digest) & IntegrationKey.revoked_at.is_null()
    )
    return record is not None and hmac.compare_digest(record.key_hash, digest)
