"""D5, the timer half: an offer not accepted within 15 seconds makes the agent Not Ready and
puts the task back in the queue; accepting in time keeps it; the two never both win."""

import datetime
import threading

import pytest

from server import clock, jobs
from server.errors import Conflict
from server.models import AgentState, Task, database
from server.services import offers, tasks
from tests.jobs.helpers import Events, redis_of, run_timed_work, scheduled_at, scheduled_ids


@pytest.fixture
def ready(app, db, sign_in):
    """Sign agents in and make them Ready, in order (the first has waited longest)."""

    def ready(*agent_ids):
        agents = [sign_in(agent_id) for agent_id in agent_ids]
        with app.app_context():
            for agent in agents:
                offers.set_state(agent.id, "ready")
        return agents

    return ready


def queue_task(app, number="+31 20 123 4567", medium="call"):
    with app.app_context():
        task = tasks.create_task(medium, {"phone": number}).task
    return Task.get_by_id(task.id)


def test_D5_an_offer_accepted_at_14_9_s_stays_accepted(app, ready, frozen_clock):
    (agent,) = ready("agent1")
    task = queue_task(app)
    assert task.status == "offered" and task.agent_id == agent.id
    frozen_clock.advance(seconds=14.9)
    assert agent.post(f"/api/v1/tasks/{task.id}/accept", json={"offer": 1}).status_code == 200
    assert offers.timeout_job_id(task.id, 1) not in scheduled_ids(app)  # accepting cancels it
    frozen_clock.advance(seconds=5)
    with app.app_context():
        assert jobs.offer_timeout(task.id, 1) == offers.SETTLED  # had it run anyway
    assert Task.get_by_id(task.id).status == "active"
    assert AgentState.get_by_id(agent.id).state == "ready"


def test_D5_at_15_1_s_the_agent_is_not_ready_and_the_task_is_back_in_the_queue(
    app, ready, frozen_clock
):
    (agent,) = ready("agent1")
    task = queue_task(app)
    events = Events(app)
    frozen_clock.advance(seconds=15.1)
    run_timed_work(app, only={offers.timeout_job_id(task.id, 1)})
    state = AgentState.get_by_id(agent.id)
    assert (state.state, state.reason, state.task_id) == ("not_ready", "offer_timeout", None)
    requeued = Task.get_by_id(task.id)
    assert requeued.status == "queued" and requeued.agent_id is None
    assert requeued.queued_at == task.queued_at  # keeps its place at the head of the queue
    assert events.of(type="state", to=agent.id, state="not_ready", reason="offer_timeout")
    events.close()
    late = agent.post(f"/api/v1/tasks/{task.id}/accept", json={"offer": 1})
    assert late.status_code == 409  # the offer is over, whatever the queue holds
    response = agent.post(f"/api/v1/tasks/{task.id}/accept")
    assert response.status_code == 200  # queued again: anyone may select it and take it (D2)


def test_D5_a_late_accept_is_refused_even_before_the_time_out_job_ran(app, ready, frozen_clock):
    (agent,) = ready("agent1")
    task = queue_task(app)
    frozen_clock.advance(seconds=15.1)
    for body in ({"offer": 1}, None):  # the offer's button, and the queue's
        response = agent.post(f"/api/v1/tasks/{task.id}/accept", json=body)
        assert response.status_code == 409
        assert response.get_json()["type"] == "/problems/offer-expired"


def test_D5_the_time_out_is_one_job_due_15_s_after_the_offer(app, ready):
    import time

    ready("agent1")
    before = time.time()
    task = queue_task(app)
    job_id = offers.timeout_job_id(task.id, 1)
    assert scheduled_ids(app) == [job_id]
    # The whole second before the moment; the job waits the fraction itself.
    assert before + 14 <= scheduled_at(app, job_id) <= time.time() + 15


def test_D5_a_requeued_task_goes_to_the_next_ready_agent(app, ready, frozen_clock):
    first, second = ready("agent1", "agent2")
    task = queue_task(app)
    assert task.agent_id == first.id  # the longest Ready agent first
    frozen_clock.advance(seconds=16)
    events = Events(app)
    run_timed_work(app, only={offers.timeout_job_id(task.id, 1)})
    offered = Task.get_by_id(task.id)
    assert (offered.status, offered.agent_id, offered.offer_number) == ("offered", second.id, 2)
    assert events.of(type="offer", to=second.id)
    events.close()


def test_D5_an_offer_whose_time_out_job_was_lost_is_let_go_by_the_sweep(app, ready, frozen_clock):
    (agent,) = ready("agent1")
    task = queue_task(app)
    # FLUSHDB: FLUSHALL for this service, sparing the other databases of a shared server.
    redis_of(app).flushdb()  # the time-out job is gone
    frozen_clock.advance(seconds=15 + offers.LAPSED_GRACE + 1)
    run_timed_work(app)  # a worker's start or its next check runs the sweep
    assert Task.get_by_id(task.id).status == "queued"
    assert AgentState.get_by_id(agent.id).state == "not_ready"


def test_D5_100_races_of_accept_against_the_time_out_never_both_win(app, ready):
    (agent,) = ready("agent1")
    start = datetime.datetime(2026, 1, 5, 9, 0, 0)
    expires = start + datetime.timedelta(seconds=15)
    # Each side sees its own side of the deadline: the accept a hair before, the time-out
    # a hair after, so both are in time and only the database can decide.
    moment = {
        "accept": expires - datetime.timedelta(milliseconds=1),
        "time-out": expires + datetime.timedelta(milliseconds=1),
    }
    clock.set_clock(lambda: moment.get(threading.current_thread().name, start))
    outcomes = {"accepted": 0, "timed out": 0}
    try:
        for race in range(100):
            task = Task.create(
                medium="call",
                identity_kind="phone",
                identity_value=f"+3120{race:07d}",
                status="offered",
                agent=agent.id,
                offer_number=1,
                offered_at=start,
                offer_expires_at=expires,
                queued_at=start,
            )
            AgentState.update(task=task.id, state="ready").where(
                AgentState.agent == agent.id
            ).execute()
            results = {}
            barrier = threading.Barrier(2)

            def accept(task_id=task.id, results=results, barrier=barrier):
                with app.app_context(), database.connection_context():
                    barrier.wait()
                    try:
                        tasks.accept(agent.id, task_id, offer_number=1)
                        results["accept"] = True
                    except Conflict:
                        results["accept"] = False

            def time_out(task_id=task.id, results=results, barrier=barrier):
                with app.app_context(), database.connection_context():
                    barrier.wait()
                    results["time-out"] = offers.time_out(task_id, 1) == offers.TIMED_OUT

            threads = [
                threading.Thread(target=accept, name="accept"),
                threading.Thread(target=time_out, name="time-out"),
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
            assert results["accept"] != results["time-out"], (race, results)
            final = Task.get_by_id(task.id)
            state = AgentState.get_by_id(agent.id)
            if results["accept"]:
                outcomes["accepted"] += 1
                assert final.status == "active" and state.task_id == task.id
                assert state.state == "ready"
                # End it, so the next race starts with the agent free (D4).
                Task.update(status="ended").where(Task.id == task.id).execute()
            else:
                outcomes["timed out"] += 1
                assert final.status == "queued" and state.state == "not_ready"
                Task.update(status="ended").where(Task.id == task.id).execute()
    finally:
        clock.set_clock(None)
    print(f"\nD5 races: {outcomes}")
    assert sum(outcomes.values()) == 100
