"""Agent sessions (F3): Finesse credentials verified against Finesse, then our own token.

The credentials are passed through to Finesse once and never stored or logged; only a
keyed hash of them is kept in Redis for a minute, so a burst of sign-ins does not hammer
Finesse.
"""

import datetime
import hashlib
import hmac
import logging
import secrets

import requests
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from server.clock import now
from server.errors import Problem
from server.models import Agent

log = logging.getLogger(__name__)

SESSION_KEY = "context-desk:session:"
AGENT_SESSIONS_KEY = "context-desk:agent-sessions:"  # a set of each agent's session ids
VERDICT_KEY = "context-desk:finesse-verdict:"


class Unauthorized(Problem):
    def __init__(self, detail):
        super().__init__(401, detail, type_="/problems/unauthorized")


class Sessions:
    """Issues, checks and ends sessions; `redis` holds the live ones so they can be revoked."""

    def __init__(self, secret_key, redis, ttl, finesse_url, finesse_timeout=5.0, verdict_ttl=60):
        self.serializer = URLSafeTimedSerializer(secret_key, salt="context-desk-session")
        self.secret = secret_key.encode()
        self.redis = redis
        self.ttl = ttl
        self.finesse_url = (finesse_url or "").rstrip("/")
        self.finesse_timeout = finesse_timeout
        self.verdict_ttl = verdict_ttl

    # Verifying who the agent is

    def verify_finesse(self, agent_id, authorization):
        """Prove the agent is `agent_id` by replaying its Authorization header to Finesse."""
        if not self.finesse_url:
            # No Finesse to ask (a Care Desktop-only deployment): no Finesse sign-in at all.
            raise Unauthorized(
                "This service has no Finesse to verify agents with; sign in with a "
                "Care Desktop account."
            )
        if not authorization.startswith(("Basic ", "Bearer ")):
            raise Unauthorized("Finesse credentials must be 'Basic …' or 'Bearer …'.")
        verdict_key = (
            VERDICT_KEY
            + hmac.new(
                self.secret, f"{agent_id}\0{authorization}".encode(), hashlib.sha256
            ).hexdigest()
        )
        cached = self.redis.get(verdict_key)
        if cached is None:
            status = self._ask_finesse(agent_id, authorization)
            cached = b"ok" if status == 200 else b"no"
            # Refusals are kept briefly too, so a wrong password cannot be tried at Finesse's pace.
            self.redis.set(verdict_key, cached, ex=self.verdict_ttl if status == 200 else 10)
        if cached != b"ok":
            raise Unauthorized("Finesse did not accept these credentials for this agent.")
        agent = Agent.get_or_none(Agent.id == agent_id)
        if agent is None:
            agent = Agent.create(id=agent_id, name=agent_id, source="finesse")
        if agent.disabled_at is not None:
            raise Unauthorized("This account has been disabled.")
        return agent

    def _ask_finesse(self, agent_id, authorization):
        url = f"{self.finesse_url}/finesse/api/User/{requests.utils.quote(agent_id, safe='')}"
        try:
            response = requests.get(
                url,
                headers={"Authorization": authorization, "Accept": "application/xml"},
                timeout=self.finesse_timeout,
            )
        except requests.RequestException as error:
            log.warning("Finesse at %s did not answer: %s", self.finesse_url, type(error).__name__)
            raise Problem(503, "Finesse could not be reached to verify the agent.") from None
        return response.status_code

    def verify_local(self, username, password):
        """A Care Desktop account with a hashed password."""
        agent = Agent.get_or_none((Agent.id == username) & (Agent.source == "local"))
        if (
            agent is None
            or agent.disabled_at is not None
            or not agent.password_hash
            or not check_password_hash(agent.password_hash, password)
        ):
            raise Unauthorized("Unknown user name or wrong password.")
        return agent

    # Our own session

    def issue(self, agent):
        """A signed, expiring bearer token for the agent, revocable through Redis."""
        session_id = secrets.token_urlsafe(24)
        index = AGENT_SESSIONS_KEY + agent.id
        pipe = self.redis.pipeline()
        pipe.set(SESSION_KEY + session_id, agent.id, ex=self.ttl)
        # Which sessions an agent has, so disabling it ends them all (sockets included).
        pipe.sadd(index, session_id)
        pipe.expire(index, self.ttl)
        pipe.execute()
        token = self.serializer.dumps({"sid": session_id, "agent": agent.id})
        expires_at = now().replace(microsecond=0) + datetime.timedelta(seconds=self.ttl)
        return token, expires_at

    def agent_for(self, token):
        """The agent a token belongs to, or Unauthorized."""
        try:
            payload = self.serializer.loads(token, max_age=self.ttl)
        except BadSignature:
            raise Unauthorized("The session token is invalid or has expired.") from None
        # Signed with our key but not of our shape (another salt's payload, an old format):
        # as invalid as a forged one, never a KeyError (O3).
        if not (
            isinstance(payload, dict)
            and isinstance(payload.get("sid"), str)
            and isinstance(payload.get("agent"), str)
        ):
            raise Unauthorized("The session token is invalid or has expired.")
        stored = self.redis.get(SESSION_KEY + payload["sid"])
        if stored is None or stored.decode() != payload["agent"]:
            raise Unauthorized("The session has ended.")
        agent = Agent.get_or_none(Agent.id == payload["agent"])
        if agent is None:
            raise Unauthorized("The session's agent no longer exists.")
        if agent.disabled_at is not None:
            # Disabling an agent ends its sessions: each is refused from its next request on.
            self.end(payload["sid"])
            raise Unauthorized("This account has been disabled.")
        return agent, payload["sid"]

    def end(self, session_id):
        self.redis.delete(SESSION_KEY + session_id)

    def end_all(self, agent_id):
        """End every session of the agent (its sockets close at the hub's next tick)."""
        index = AGENT_SESSIONS_KEY + agent_id
        session_ids = [sid.decode() for sid in self.redis.smembers(index)]
        self.redis.delete(index, *(SESSION_KEY + sid for sid in session_ids))
        return len(session_ids)


def create_local_agent(username, password, name=None):
    """Create or reset a Care Desktop account."""
    password_hash = generate_password_hash(password)
    agent = Agent.get_or_none(Agent.id == username)
    if agent is None:
        return Agent.create(
            id=username, name=name or username, source="local", password_hash=password_hash
        )
    agent.password_hash = password_hash
    agent.source = "local"
    agent.save()
    return agent


def live_sessions(redis, session_ids):
    """Which of these sessions are still live (not signed out, not expired), in one round trip."""
    pipe = redis.pipeline()
    for session_id in session_ids:
        pipe.exists(SESSION_KEY + session_id)
    return [bool(alive) for alive in pipe.execute()]


def agent_name(agent_id):
    """An agent's display name, or its id when there is no such agent."""
    agent = Agent.get_or_none(Agent.id == agent_id)
    return agent.name if agent else agent_id
