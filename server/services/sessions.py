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
from server.models import Agent, AgentSession
from server.services.statements import Statement

log = logging.getLogger(__name__)

VERDICT_KEY = "context-desk:finesse-verdict:"


class Unauthorized(Problem):
    def __init__(self, detail):
        super().__init__(401, detail, type_="/problems/unauthorized")


class Sessions:
    """Issues, checks and ends sessions (rows of `agent_session`); `redis` caches Finesse's
    verdicts for a minute."""

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
        """A signed, expiring bearer token for the agent, revocable: its session is a row of
        the database (O2: a Redis restarted empty signs nobody out)."""
        session_id = secrets.token_urlsafe(24)
        at = now()
        expires_at = at.replace(microsecond=0) + datetime.timedelta(seconds=self.ttl)
        AgentSession.create(id=session_id, agent=agent.id, created_at=at, expires_at=expires_at)
        token = self.serializer.dumps({"sid": session_id, "agent": agent.id})
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
        # One query: the agent of this session, if it is live and this agent's.
        found = _SESSION_AGENT.rows(session=payload["sid"], agent=payload["agent"], at=now())
        if not found:
            raise Unauthorized("The session has ended.")
        agent = found[0]
        if agent.disabled_at is not None:
            # Disabling an agent ends its sessions; one that slipped past is ended here.
            self.end(payload["sid"])
            raise Unauthorized("This account has been disabled.")
        return agent, payload["sid"]

    def end(self, session_id):
        AgentSession.update(ended_at=now()).where(AgentSession.id == session_id).execute()

    def end_all(self, agent_id):
        """End every live session of the agent (its sockets close at the hub's next tick)."""
        return (
            AgentSession.update(ended_at=now())
            .where((AgentSession.agent == agent_id) & AgentSession.ended_at.is_null())
            .execute()
        )


# Every signed-in request runs it: written by peewee once (issue 14, server/services/statements.py).
_SESSION_AGENT = Statement(
    Agent,
    lambda slot: (
        Agent.select()
        .join(AgentSession, on=(AgentSession.agent == Agent.id))
        .where(
            (AgentSession.id == slot("session"))
            & (AgentSession.agent == slot("agent"))
            & AgentSession.ended_at.is_null()
            & (AgentSession.expires_at > slot("at"))
        )
        .limit(1)
    ),
)


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


def live_sessions(session_ids):
    """Which of these sessions are still live (not signed out, not expired), in one query."""
    live = {
        row.id
        for row in AgentSession.select(AgentSession.id).where(
            AgentSession.id.in_(list(set(session_ids)))
            & AgentSession.ended_at.is_null()
            & (AgentSession.expires_at > now())
        )
    }
    return [session_id in live for session_id in session_ids]


def agent_name(agent_id):
    """An agent's display name, or its id when there is no such agent."""
    agent = Agent.get_or_none(Agent.id == agent_id)
    return agent.name if agent else agent_id
