"""The Care Desktop API: the task queue, Ready / Not Ready, accept, end, chat (D2–D5, D9)."""

import hmac

from flask import current_app, g, request

from server.api.plumbing import (
    TASK_OPERATIONS,
    bp,
    dump,
    links_to,
    load_body,
    load_query,
    operation,
)
from server.auth import bearer_token, login_required, sessions
from server.schemas.tasks import (
    AcceptedOut,
    AcceptIn,
    AgentStateIn,
    AgentStateOut,
    DeclineIn,
    MessageIn,
    MessageOut,
    MessagePage,
    MessagesQuery,
    QueueOut,
    TaskContextOut,
    TaskCreatedOut,
    TaskIn,
    TaskOut,
)
from server.services import accounts, offers, tasks
from server.services.sessions import Unauthorized

# Who is calling


def require_integration_key():
    """Integrations queue tasks with a key in `X-Integration-Key` (not a session): one made by
    `flask intake-keys create`, or the INTEGRATION_KEY setting (development's shared key)."""
    given = request.headers.get("X-Integration-Key", "")
    expected = current_app.config["INTEGRATION_KEY"] or ""  # unset: only created keys work
    if given and expected and hmac.compare_digest(given.encode(), expected.encode()):
        return
    if not accounts.key_is_valid(given):
        raise Unauthorized("Send a valid integration key in the X-Integration-Key header.")


def chat_caller(task_id):
    """The agent behind the session, or None for the customer holding the chat's token."""
    token = bearer_token()
    if not token:
        raise Unauthorized("Send 'Authorization: Bearer <session or chat token>'.")
    # An unknown task and a wrong token both get the 401: no probing which task ids exist.
    if tasks.is_customer_of_task(task_id, token):
        return None
    g.agent, g.session_id = sessions().agent_for(token)
    return g.agent.id


# Routes


@bp.post("/tasks")
@operation(
    "Queue a chat, call or email (D9); needs X-Integration-Key, not a session",
    body=TaskIn,
    response=TaskCreatedOut,
    status=201,
    errors=(400, 401, 422),
    links=links_to(TASK_OPERATIONS, task_id="$response.body#/id"),
)
def create_task():
    require_integration_key()
    data = load_body(TaskIn)
    created = tasks.create_task(
        data["medium"], data["identity"], data["subject"], data["body"], data["name"]
    )
    return {**dump(TaskOut, created.task), "chat_token": created.chat_token}, 201


@bp.get("/queue")
@login_required
@operation(
    "The queued tasks, the task offered to you and your active ones (D2)",
    response=QueueOut,
    errors=(401,),
)
def get_queue():
    return dump(QueueOut, tasks.queue_for(g.agent.id))


@bp.get("/tasks/<task_id>")
@login_required
@operation(
    "A task with its customer, open requests and recent journey (D2): queued or yours (O5)",
    response=TaskContextOut,
    errors=(401, 403, 404),
)
def get_task(task_id):
    return dump(TaskContextOut, tasks.context(g.agent.id, task_id))


@bp.put("/agent/state")
@login_required
@operation(
    "Become Ready (offered tasks automatically) or Not Ready (D5)",
    body=AgentStateIn,
    response=AgentStateOut,
    errors=(400, 401, 422),
)
def put_agent_state():
    data = load_body(AgentStateIn)
    return dump(AgentStateOut, offers.set_state(g.agent.id, data["state"]))


@bp.get("/agent/state")
@login_required
@operation("Your Ready / Not Ready state (D5)", response=AgentStateOut, errors=(401,))
def get_agent_state():
    return dump(AgentStateOut, offers.state_of(g.agent.id))


@bp.post("/tasks/<task_id>/accept")
@login_required
@operation(
    "Accept a task: it becomes Active, its activity attached per C1b (D3); 409 when "
    "taken, when the offer ran out, or when you handle a conversation already (D4)",
    body=AcceptIn,
    response=AcceptedOut,
    errors=(400, 401, 404, 409, 422),
)
def accept_task(task_id):
    offer = load_body(AcceptIn)["offer"] if request.content_length else None
    return dump(AcceptedOut, tasks.accept(g.agent.id, task_id, offer))


@bp.post("/tasks/<task_id>/decline")
@login_required
@operation(
    "Decline the offer made to you (D5): the task goes to the next Ready agent and you become "
    "Not Ready (reason `declined`); 409 when the offer no longer stands",
    body=DeclineIn,
    response=AgentStateOut,
    errors=(400, 401, 404, 409, 422),
)
def decline_task(task_id):
    return dump(AgentStateOut, offers.decline(g.agent.id, task_id, load_body(DeclineIn)["offer"]))


@bp.post("/tasks/<task_id>/end")
@login_required
@operation("End your active task and its activity", response=TaskOut, errors=(401, 403, 404))
def end_task(task_id):
    return dump(TaskOut, tasks.end(g.agent.id, task_id))


@bp.post("/tasks/<task_id>/messages")
@operation(
    "Send a chat message: the agent handling it (session) or the customer (chat token) (D9)",
    body=MessageIn,
    response=MessageOut,
    status=201,
    errors=(400, 401, 403, 404, 409, 422),
)
def post_message(task_id):
    agent_id = chat_caller(task_id)
    data = load_body(MessageIn)
    return dump(MessageOut, tasks.post_message(task_id, data["body"], agent_id)), 201


@bp.get("/tasks/<task_id>/messages")
@operation(
    "The chat's messages, oldest first, after message id `after` (D9)",
    query=MessagesQuery,
    response=MessagePage,
    errors=(401, 403, 404, 422),
)
def list_messages(task_id):
    agent_id = chat_caller(task_id)
    args = load_query(MessagesQuery)
    found = tasks.messages(task_id, args["after"], args["limit"], agent_id)
    return {"items": dump(MessageOut, found, many=True)}
