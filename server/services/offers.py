"""Offers (D5): queued tasks go to Ready agents by themselves, with 15 seconds to accept.

The database decides every race. Making an offer, accepting it and timing it out are each a
conditional UPDATE of the task row (`status = 'offered' AND offer_number = n` …) inside one
transaction with the agent's row, so two agents never get the same task, an agent never gets
two, and an accept and a time-out never both win: whichever UPDATE comes second finds the
row changed and does nothing. Each transaction starts with its UPDATE, so on SQLite it takes
the write lock first and never has to upgrade a read.
"""

import datetime
import logging

from flask import current_app

from server import timers
from server.clock import now
from server.errors import Conflict, NotFound
from server.inputs import parse_id
from server.models import AgentState, Task
from server.schemas.tasks import TaskOut
from server.services.records import unit_of_work

log = logging.getLogger(__name__)

TIMED_OUT = "timed out"
SETTLED = "settled"  # accepted or let go before the time-out came
STATES = ("ready", "not_ready")
MAX_OFFERS_PER_PASS = 100
LAPSED_GRACE = 5  # seconds past its expiry before a repair pass times an offer out itself


class _Lost(Exception):
    """Another process changed the task or the agent first: this offer is undone."""


def iso(at):
    """A naive UTC time as ISO 8601 with its offset, as the API writes times."""
    return at.replace(tzinfo=datetime.UTC).isoformat() if at else None


def summary(task):
    """What a live event says about a task: the API's own shape of it (TaskOut)."""
    return TaskOut().dump(task)


def timeout_job_id(task_id, offer_number):
    """One time-out job per offer: the id says which (RQ ids allow letters, digits, - and _)."""
    return f"offer-timeout-{task_id}-{offer_number}"


def queue_changed(outbox):
    """Tell every agent's desk that the queue changed (a task queued, offered, taken or back),
    once per transaction: the desk reloads its Queue list, which has no event of its own."""
    if not any(event.get("type") == "queue" for event in outbox.events):
        outbox.add({"type": "queue"})


def offer_timeout():
    """Seconds an agent has to accept an offer (OFFER_TIMEOUT, 15 by default)."""
    return current_app.config["OFFER_TIMEOUT"]


# Ready / Not Ready


def state_of(agent_id):
    """The agent's state row (Not Ready until the agent says otherwise)."""
    state = AgentState.get_or_none(AgentState.agent == agent_id)
    return state or AgentState(agent=agent_id, state="not_ready", changed_at=now())


def set_state(agent_id, state):
    """Make the agent Ready or Not Ready (D5); Not Ready lets a pending offer go."""
    current = AgentState.get_or_none(AgentState.agent == agent_id)
    if current is not None and current.state == state:
        return current  # saying Ready again keeps the agent's place in line
    at = now()
    with unit_of_work() as outbox:
        (
            AgentState.insert(agent=agent_id, state=state, reason=None, changed_at=at)
            .on_conflict(
                conflict_target=[AgentState.agent],
                update={
                    AgentState.state: state,
                    AgentState.reason: None,
                    AgentState.changed_at: at,
                },
            )
            .execute()
        )
        if state == "not_ready":
            current = AgentState.get_by_id(agent_id)
            if current.task_id is not None:
                offered = Task.get_by_id(current.task_id)
                if offered.status == "offered" and let_go(offered.id, agent_id):
                    outbox.cancel(timeout_job_id(offered.id, offered.offer_number))
    dispatch()
    return state_of(agent_id)


# Offering


def dispatch():
    """Offer the oldest queued tasks to the Ready agents who have waited longest (D5).

    Called whenever that could make a new pair: a task queued or requeued, an agent Ready,
    a conversation ended. Returns the tasks offered.
    """
    offered = []
    for _ in range(MAX_OFFERS_PER_PASS):
        task = (
            Task.select().where(Task.status == "queued").order_by(Task.queued_at, Task.id).first()
        )
        if task is None:
            break
        free = (
            AgentState.select(AgentState.agent)
            .where((AgentState.state == "ready") & AgentState.task.is_null())
            .order_by(AgentState.changed_at, AgentState.agent)
            .first()
        )
        if free is None:
            break
        made = _offer(task, free.agent_id)
        if made is not None:
            offered.append(made)
    return offered


def _offer(task, agent_id):
    """Offer `task` to the agent if both are still free; None if someone else was quicker."""
    at = now()
    seconds = offer_timeout()
    number = task.offer_number + 1
    try:
        with unit_of_work() as outbox:
            won = (
                Task.update(
                    status="offered",
                    agent=agent_id,
                    offer_number=number,
                    offered_at=at,
                    offer_expires_at=at + datetime.timedelta(seconds=seconds),
                    version=Task.version + 1,
                )
                .where(
                    (Task.id == task.id)
                    & (Task.status == "queued")
                    & (Task.offer_number == task.offer_number)
                )
                .execute()
            )
            if not won:
                raise _Lost
            if not hold(task.id, agent_id, if_ready=True):
                raise _Lost
            offered = Task.get_by_id(task.id)
            outbox.count("offers", "made")
            queue_changed(outbox)
            outbox.add(
                {
                    "type": "offer",
                    "to": agent_id,
                    "task": summary(offered),
                    "expires_at": iso(offered.offer_expires_at),
                }
            )
            # A lost time-out job (Redis away) is made good by the sweep's repair pass.
            outbox.schedule(
                seconds,
                "server.jobs.offer_timeout",
                task.id,
                number,
                job_id=timeout_job_id(task.id, number),
                description=f"offer time-out, task {task.id}",
            )
    except _Lost:
        return None
    return offered


# Ending an offer


def time_out(task_id, offer_number):
    """Let an unaccepted offer go: its agent becomes Not Ready, the task goes back (D5).

    Returns TIMED_OUT when this call did it (and the task has been offered on at once),
    SETTLED when the offer was accepted or let go first, or the seconds the offer still has
    (a float) when called before its time.
    """
    task = Task.get_or_none(Task.id == task_id)
    if task is None or task.status != "offered" or task.offer_number != offer_number:
        return SETTLED
    at = now()
    left = (task.offer_expires_at - at).total_seconds()
    if left > 0:
        return left
    with unit_of_work() as outbox:
        won = _back_in_queue(
            task.id, (Task.offer_number == offer_number) & (Task.offer_expires_at <= at)
        )
        if not won:
            return SETTLED
        _not_ready_after(outbox, task.id, task.agent_id, "offer_timeout", at)
        outbox.count("offers", "timed_out")
    dispatch()  # the task goes to the next Ready agent (D5)
    return TIMED_OUT


def decline(agent_id, task_id, offer_number):
    """The agent says no to the offer: the task goes to the next Ready agent at once, and the
    agent becomes Not Ready (reason `declined`), as after a time-out, so it is not offered
    straight back. 409 when that offer no longer stands (accepted, run out or withdrawn)."""
    number = parse_id(task_id)  # not str.isdigit: "１２" and 2**64 name no task (O3)
    task = Task.get_or_none(Task.id == number) if number is not None else None
    if task is None:
        raise NotFound("task", task_id)
    at = now()
    with unit_of_work() as outbox:
        won = _back_in_queue(
            task.id, (Task.agent == agent_id) & (Task.offer_number == offer_number)
        )
        if not won:
            raise Conflict("This offer no longer stands.", type_="/problems/offer-expired")
        _not_ready_after(outbox, task.id, agent_id, "declined", at)
        outbox.cancel(timeout_job_id(task.id, offer_number))
        outbox.count("offers", "declined")
    dispatch()
    return state_of(agent_id)


def _back_in_queue(task_id, condition):
    """Put an offered task back in the queue, its place kept (`queued_at` stays), if
    `condition` still holds; whether it did."""
    return (
        Task.update(
            status="queued",
            agent=None,
            offered_at=None,
            offer_expires_at=None,
            version=Task.version + 1,
        )
        .where((Task.id == task_id) & (Task.status == "offered") & condition)
        .execute()
    )


def _not_ready_after(outbox, task_id, agent_id, reason, at):
    """The offer's agent lets go of it and is Not Ready, and its desks are told why."""
    release(task_id, agent_id, state="not_ready", reason=reason, changed_at=at)
    outbox.add({"type": "state", "to": agent_id, "state": "not_ready", "reason": reason})
    queue_changed(outbox)


def restore_timeouts():
    """Schedule again the time-out job of every standing offer whose job Redis lost (a
    Redis that came back empty); how many. Each offer then times out at its moment, not
    at the sweep's next repair pass."""
    standing = list(
        Task.select(Task.id, Task.offer_number, Task.offer_expires_at).where(
            Task.status == "offered"
        )
    )
    lost = set(timers.missing(timeout_job_id(task.id, task.offer_number) for task in standing))
    standing = [task for task in standing if timeout_job_id(task.id, task.offer_number) in lost]
    at = now()
    with unit_of_work() as outbox:
        for task in standing:
            outbox.schedule(
                max(0.0, (task.offer_expires_at - at).total_seconds()),
                "server.jobs.offer_timeout",
                task.id,
                task.offer_number,
                job_id=timeout_job_id(task.id, task.offer_number),
                description=f"offer time-out, task {task.id}",
            )
    return len(standing)


def time_out_lapsed(grace=LAPSED_GRACE):
    """Time out offers well past their time whose time-out job was lost; how many."""
    cutoff = now() - datetime.timedelta(seconds=grace)
    lapsed = list(
        Task.select(Task.id, Task.offer_number).where(
            (Task.status == "offered") & (Task.offer_expires_at < cutoff)
        )
    )
    return sum(1 for task in lapsed if time_out(task.id, task.offer_number) == TIMED_OUT)


def let_go(task_id, agent_id):
    """Put a task offered to this agent back in the queue, with no penalty (the agent chose
    another task or went Not Ready). Call inside the transaction that changes the agent."""
    released = _back_in_queue(task_id, Task.agent == agent_id)
    if released:
        release(task_id, agent_id)
        with unit_of_work() as outbox:  # nested: the caller's transaction and outbox
            queue_changed(outbox)
    return released


# Who holds a task. The truth is the task row: `agent` with status offered or active. The
# agent's row mirrors it in `AgentState.task` (unique), so that "a Ready agent with nothing in
# hand" is one indexed condition and the database refuses to put one task in two hands. Only
# `hold` and `release` write the mirror, inside the transaction that changes the task row.


def hold(task_id, agent_id, *, if_ready=False):
    """The agent now holds the task. With `if_ready`, only a Ready agent holding nothing
    (an offer, D5); returns whether it took it."""
    if if_ready:
        return bool(
            AgentState.update(task=task_id)
            .where(
                (AgentState.agent == agent_id)
                & (AgentState.state == "ready")
                & AgentState.task.is_null()
            )
            .execute()
        )
    (
        AgentState.insert(agent=agent_id, state="not_ready", changed_at=now(), task=task_id)
        .on_conflict(conflict_target=[AgentState.agent], update={AgentState.task: task_id})
        .execute()
    )
    return True


def release(task_id, agent_id, **state):
    """The agent no longer holds the task (it lapsed, was let go or ended); `state` may make
    the agent Not Ready in the same statement."""
    (
        AgentState.update(task=None, **state)
        .where((AgentState.agent == agent_id) & (AgentState.task == task_id))
        .execute()
    )
