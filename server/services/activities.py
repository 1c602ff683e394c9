"""Activities: tags (C6), comments, edits and moving one to another request (D7)."""

import hashlib
import unicodedata

import peewee as pw

from server import labels
from server.clock import now
from server.errors import Conflict, Invalid, NotFound
from server.inputs import parse_id, storable
from server.limits import TAG
from server.models import Activity, Comment, Request, Tag
from server.services import paging
from server.services import requests as requests_service
from server.services.paging import Page, decode_cursor, encode_cursor
from server.services.read_models import ActivityView
from server.services.records import bump, get_or_404, record_change, unit_of_work, update_versioned
from server.services.statements import Statement


def get_activity(activity_id):
    """The activity with its tags."""
    return view(get_or_404(Activity, activity_id))


def view(activity):
    """One activity row as the read model every screen shows (its tags in one query)."""
    return ActivityView.of(activity, tags_of([activity.id])[activity.id])


def views(activities):
    """Activity rows as read models, all their tags in one query."""
    tags = tags_of([activity.id for activity in activities])
    return [ActivityView.of(activity, tags[activity.id]) for activity in activities]


def current_for(customer_id, activity_id=None):
    """The interaction an agent handles for a customer: the one asked for if it is this
    customer's, else the customer's newest (C9: a reopened customer's newest activity)."""
    activity = None
    if parse_id(activity_id) is not None:
        activity = Activity.get_or_none(Activity.id == parse_id(activity_id))
    if activity is None or activity.customer_id != parse_id(customer_id):
        activity = (
            Activity.select()
            .where(Activity.customer == customer_id)
            .order_by(Activity.started_at.desc(), Activity.id.desc())
            .first()
        )
    return activity


def tags_of(activity_ids):
    """Tag names per activity id, in the order they were added, in one query."""
    tags = {activity_id: [] for activity_id in activity_ids}
    if activity_ids:
        for activity_id, name in _TAGS_OF.tuples(ids=list(activity_ids)):
            tags[activity_id].append(name)
    return tags


_TAGS_OF = Statement(
    Tag,
    lambda slot: (
        Tag.select(Tag.activity, Tag.name).where(Tag.activity.in_(slot("ids"))).order_by(Tag.id)
    ),
)


def tag_key(name):
    """Tags are unique on an activity compared trimmed and case-insensitively (C6).

    Compared as people read them: "é" typed precomposed or as e + accent, "ﬁ" and "fi",
    "İstanbul" and "istanbul" (İ folds to i + a dot above) are one tag. The key fits the
    column (50) however much folding lengthens it ("ß" is "ss"): a longer one keeps its
    start and a digest of the rest, so distinct keys stay distinct.
    """
    # Unicode's NFKC_Casefold, roughly: folding and compatibility forms, each twice, since
    # one can undo what the other did ("¸" becomes a space and a cedilla).
    folded = name
    for _ in range(2):
        folded = unicodedata.normalize("NFKC", folded).casefold().replace("i\u0307", "i")
    key = " ".join(unicodedata.normalize("NFC", folded).split())
    if len(key) <= TAG:
        return key
    return key[: TAG - 33] + "#" + hashlib.sha256(key.encode()).hexdigest()[:32]


def add_tag(agent_id, activity_id, name):
    """Put a tag on an activity; a duplicate is refused with 409 (C6)."""
    activity = get_or_404(Activity, activity_id)
    name = unicodedata.normalize("NFC", " ".join(name.split()))
    if not name:
        raise Invalid({"name": [labels.empty("name_tag")]})
    at = now()
    try:
        with unit_of_work() as outbox:
            Tag.create(activity=activity.id, name=name, key=tag_key(name), created_at=at)
            bump(Activity, activity.id)
            requests_service.touch(activity.request_id, at)
            record_change(
                agent_id,
                "activity",
                activity.id,
                "tagged",
                customer_id=activity.customer_id,
                request_id=activity.request_id,
                activity_id=activity.id,
                data={"tag": name},
            )
            activity = Activity.get_by_id(activity.id)
            outbox.changed("activity", activity, agent_id)
            shown = view(activity)
    except pw.IntegrityError:
        raise Conflict(
            f'The tag "{name}" is already on this activity.',
            type_="/problems/duplicate-tag",
            errors={"name": ["Already on this activity."]},
        ) from None
    return shown


def remove_tag(agent_id, activity_id, name):
    activity = get_or_404(Activity, activity_id)
    if not storable(name):  # from the path: a NUL would reach PostgreSQL (O3)
        raise NotFound("tag", repr(name))
    with unit_of_work() as outbox:
        removed = (
            Tag.delete().where((Tag.activity == activity.id) & (Tag.key == tag_key(name))).execute()
        )
        if not removed:
            raise NotFound("tag", name)
        bump(Activity, activity.id)
        requests_service.touch(activity.request_id, now())
        record_change(
            agent_id,
            "activity",
            activity.id,
            "untagged",
            customer_id=activity.customer_id,
            request_id=activity.request_id,
            activity_id=activity.id,
            data={"tag": name},
        )
        activity = Activity.get_by_id(activity.id)
        outbox.changed("activity", activity, agent_id)
        return view(activity)


def add_comment(agent_id, activity_id, body):
    """Add an agent's note to an activity."""
    activity = get_or_404(Activity, activity_id)
    at = now()
    with unit_of_work() as outbox:
        comment = Comment.create(activity=activity.id, author=agent_id, body=body, created_at=at)
        bump(Activity, activity.id)
        requests_service.touch(activity.request_id, at)
        record_change(
            agent_id,
            "activity",
            activity.id,
            "commented",
            customer_id=activity.customer_id,
            request_id=activity.request_id,
            activity_id=activity.id,
            data={"comment": comment.id},
        )
        outbox.changed("activity", Activity.get_by_id(activity.id), agent_id)
    return comment


def comments(activity_id, cursor=None, limit=50):
    """An activity's comments, oldest first, paged."""
    activity = get_or_404(Activity, activity_id)
    query = Comment.select().where(Comment.activity == activity.id)
    after = decode_cursor(cursor, paging.ID)
    if after:
        query = query.where(Comment.id > after)
    rows = list(query.order_by(Comment.id).limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1].id) if more else None)


def update_activity(agent_id, activity_id, version, data):
    """Edit an activity's subject, if nobody changed it since it was loaded (C3)."""
    at = now()
    with unit_of_work() as outbox:
        activity = update_versioned(Activity, parse_id(activity_id), version, **data)
        requests_service.touch(activity.request_id, at)
        record_change(
            agent_id,
            "activity",
            activity.id,
            "updated",
            customer_id=activity.customer_id,
            request_id=activity.request_id,
            activity_id=activity.id,
            data={"fields": sorted(data), "version": activity.version},
        )
        outbox.changed("activity", activity, agent_id)
        return view(activity)


def move_activity(agent_id, activity_id, request_id, version):
    """Move an activity to another request of the same customer (D7)."""
    activity = get_or_404(Activity, activity_id)
    target = get_or_404(Request, request_id)
    if target.customer_id != activity.customer_id:
        raise Invalid({"request_id": ["That request belongs to another customer."]})
    source_id = activity.request_id
    at = now()
    with unit_of_work() as outbox:
        activity = update_versioned(Activity, activity.id, version, request=target.id)
        requests_service.touch(source_id, at, version=True)
        requests_service.touch(target.id, at, version=True)
        record_change(
            agent_id,
            "activity",
            activity.id,
            "moved",
            customer_id=activity.customer_id,
            request_id=target.id,
            activity_id=activity.id,
            journey=True,
            data={"from": source_id, "to": target.id},
        )
        outbox.changed("activity", activity, agent_id)
        for moved in Request.select().where(Request.id.in_([source_id, target.id])):
            outbox.changed("request", moved, agent_id)
        return view(activity)


def move_to_new_request(agent_id, activity_id, version, title="", description=""):
    """Add a request for a new issue (D8) and move the interaction to it (D7), all or nothing:
    a refused move (a stale version) leaves no request behind."""
    activity = get_or_404(Activity, activity_id)
    with unit_of_work():
        created = requests_service.create_request(
            agent_id, activity.customer_id, title, description
        )
        return move_activity(agent_id, activity.id, created.id, version)
