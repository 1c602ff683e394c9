"""The customer chat widget's API (D9): no session and no integration key; the visitor gets a
per-chat token when starting, which reaches that chat only (O5). Open to any website's
origin (see server.cors): nothing here rides on cookies, the token is sent explicitly."""

from flask import current_app

from server.api.plumbing import bp, dump, load_body, load_query, operation
from server.auth import bearer_token
from server.extensions import limiter
from server.schemas.chats import (
    ChatIn,
    ChatMessageOut,
    ChatOut,
    ChatQuery,
    ChatStartedOut,
)
from server.schemas.tasks import MessageIn
from server.services import chats


@bp.post("/chats")
@limiter.limit(lambda: current_app.config["CHAT_RATE_LIMIT"])
@operation(
    "Start a chat from the customer chat widget: the chat is queued (D9)",
    body=ChatIn,
    response=ChatStartedOut,
    status=201,
    errors=(400, 422, 429),
)
def start_chat():
    data = load_body(ChatIn)
    created = chats.start(data["name"], data["email"])
    return dump(ChatStartedOut, {"id": created.task.id, "chat_token": created.chat_token}), 201


@bp.get("/chats/<task_id>")
@operation(
    "The visitor's chat: its state and messages after `after` (Bearer: the chat token)",
    query=ChatQuery,
    response=ChatOut,
    errors=(401, 422),
)
def get_chat(task_id):
    # The token before the query: a caller without the chat's token learns nothing (O5).
    chat = chats.customer_chat(task_id, bearer_token())
    args = load_query(ChatQuery)
    return dump(ChatOut, chats.view(chat, args["after"]))


@bp.post("/chats/<task_id>/messages")
@limiter.limit(lambda: current_app.config["CHAT_MESSAGE_RATE_LIMIT"])
@operation(
    "A message from the visitor (Bearer: the chat token)",
    body=MessageIn,
    response=ChatMessageOut,
    status=201,
    errors=(400, 401, 409, 422, 429),
)
def post_chat_message(task_id):
    chat = chats.customer_chat(task_id, bearer_token())  # 401 before the body's 422 (O5)
    data = load_body(MessageIn)
    return dump(ChatMessageOut, chats.say(chat, data["body"])), 201


@bp.post("/chats/<task_id>/end")
@operation(
    "The visitor ends the chat (Bearer: the chat token): a chat no agent has taken leaves the "
    "queue (`abandoned`); in a conversation, the agent is told that the customer has left",
    response=ChatOut,
    errors=(401,),
)
def end_chat(task_id):
    chat = chats.customer_chat(task_id, bearer_token())
    return dump(ChatOut, chats.view(chats.leave(chat)))
