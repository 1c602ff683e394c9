"""The customer's journey (C2, C13)."""

from marshmallow import Schema, fields

from server.schemas.common import Id, Page, UtcDateTime, plain_dump, plain_id, plain_str, utc_iso


class JourneyActivityOut(Schema):
    """An entry's interaction as the journey shows it: what, when, who, its tags; the whole
    activity (identity, properties…) is `GET /activities/{id}` (issue 14: every field of
    every activity per item made a journey page cost more than a search)."""

    id = Id()
    request_id = Id(attribute="request_id")
    medium = fields.String()
    source_id = fields.String(allow_none=True)  # the desktop's dialog: which interaction
    subject = fields.String()
    started_at = UtcDateTime()
    ended_at = UtcDateTime(allow_none=True)
    agent = fields.String(attribute="agent_id", allow_none=True)
    tags = fields.List(fields.String())
    version = fields.Integer()


class JourneyRequestOut(Schema):
    """An entry's request as the journey shows it; the description is `GET /requests/{id}`."""

    id = Id()
    title = fields.String()
    status = fields.String()
    version = fields.Integer()


class JourneyItemOut(Schema):
    """A `JourneyItem`: the change, with the activity and the request it is about."""

    id = Id(attribute="change.id")
    at = UtcDateTime(attribute="change.at")
    kind = fields.String(attribute="change.kind")
    action = fields.String(attribute="change.action")
    agent = fields.String(attribute="change.agent", allow_none=True)
    data = fields.Dict(attribute="change.data")
    activity = fields.Nested(JourneyActivityOut, allow_none=True)
    request = fields.Nested(JourneyRequestOut, allow_none=True)


class JourneyPage(Page):
    items = fields.List(fields.Nested(JourneyItemOut))


def _journey_activity(view):
    return {
        "id": plain_id(view.id),
        "request_id": plain_id(view.request_id),
        "medium": plain_str(view.medium),
        "source_id": plain_str(view.source_id),
        "subject": plain_str(view.subject),
        "started_at": utc_iso(view.started_at),
        "ended_at": utc_iso(view.ended_at),
        "agent": plain_str(view.agent_id),
        "tags": None if view.tags is None else [plain_str(tag) for tag in view.tags],
        "version": None if view.version is None else int(view.version),
    }


def _journey_request(request):
    return {
        "id": plain_id(request.id),
        "title": plain_str(request.title),
        "status": plain_str(request.status),
        "version": None if request.version is None else int(request.version),
    }


def _journey_item(item):
    change, activity, request = item.change, item.activity, item.request
    return {
        "id": plain_id(change.id),
        "at": utc_iso(change.at),
        "kind": plain_str(change.kind),
        "action": plain_str(change.action),
        "agent": plain_str(change.agent),
        "data": None if change.data is None else dict(change.data),
        "activity": None if activity is None else _journey_activity(activity),
        "request": None if request is None else _journey_request(request),
    }


@plain_dump(JourneyPage)
def journey_page_out(page):
    return {
        "next": plain_str(page.next),
        "items": None if page.items is None else [_journey_item(item) for item in page.items],
    }
