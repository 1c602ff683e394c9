"""D4, D5: who holds a task is one truth. The task row says it (agent, offered or active); the
agent's row only mirrors it (`AgentState.task`, written by offers.hold and offers.release)."""

import random
import threading

from server.models import AgentState, Task, database
from server.services import offers, tasks
from tests.care.test_care_api import KEY


def disagreements():
    """Every place where the task rows and the agents' rows tell a different holder."""
    held = {
        task.id: task.agent_id
        for task in Task.select().where(Task.status.in_(["offered", "active"]))
    }
    mirrored = {
        state.task_id: state.agent_id
        for state in AgentState.select().where(AgentState.task.is_null(False))
    }
    return {
        task_id: (held.get(task_id), mirrored.get(task_id))
        for task_id in held.keys() | mirrored.keys()
        if held.get(task_id) != mirrored.get(task_id)
    }


def test_D5_the_holder_check_sees_a_disagreement(db, agent, client):
    task_id = client.post(
        "/api/v1/tasks", json={"medium": "call", "identity": {"phone": "+31201"}}, headers=KEY
    ).get_json()["id"]
    AgentState.insert(agent=agent.id, state="ready", task=int(task_id)).execute()
    assert disagreements() == {int(task_id): (None, agent.id)}


def test_D4_D5_agents_racing_over_tasks_never_leave_two_truths(app, sign_in, client):
    agents = [sign_in(f"agent{n}") for n in (1, 2, 3)]
    for number in range(12):
        body = {"medium": "chat", "identity": {"chat": f"visitor-{number}"}}
        assert client.post("/api/v1/tasks", json=body, headers=KEY).status_code == 201
    errors = []

    def work(agent_id, seed):
        choose = random.Random(seed)
        with app.app_context(), database.connection_context():
            for _ in range(25):
                try:
                    step = choose.choice(["ready", "not_ready", "accept", "end"])
                    if step in ("ready", "not_ready"):
                        offers.set_state(agent_id, step)
                    elif step == "accept":
                        queue = tasks.queue_for(agent_id)
                        waiting = [task.id for task in queue["items"]]
                        if queue["offer"] is not None:
                            waiting.append(queue["offer"].id)
                        if waiting:
                            tasks.accept(agent_id, choose.choice(waiting))
                    else:
                        for task in tasks.queue_for(agent_id)["active"]:
                            tasks.end(agent_id, task.id)
                except Exception as error:  # refusals (409) are part of the race
                    if getattr(error, "status", None) not in (403, 409):
                        errors.append(repr(error))

    threads = [
        threading.Thread(target=work, args=(agent.id, seed)) for seed, agent in enumerate(agents)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    with database.connection_context():
        assert disagreements() == {}
        # D4: nobody holds two tasks.
        holders = [t.agent_id for t in Task.select().where(Task.status.in_(["offered", "active"]))]
        assert len(holders) == len(set(holders))
