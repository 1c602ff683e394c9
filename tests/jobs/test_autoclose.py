"""D6: a request closes 5 days after its last update, by one sweep job on RQ."""

import datetime
import time

import pytest

from server import jobs
from server.models import Change, Customer, Request
from tests.jobs.helpers import (
    Events,
    redis_of,
    run_timed_work,
    scheduled_at,
    scheduled_ids,
    work,
)

DAY = datetime.timedelta(days=1)


def status(request_id):
    return Request.get_by_id(int(request_id)).status


def open_call(agent, number="+31 20 123 4567", source="d1"):
    body = agent.call(number, source).get_json()
    return body["request"]["id"], body["activity"]["id"]


def test_D6_request_updated_4_days_23_hours_ago_stays_open_and_closes_at_5_days(
    app, db, agent, frozen_clock
):
    request_id, _ = open_call(agent)
    events = Events(app)
    frozen_clock.advance(days=4, hours=23)
    work(app)
    assert status(request_id) == "open"

    frozen_clock.advance(hours=1, seconds=1)
    run_timed_work(app)
    closed = Request.get_by_id(int(request_id))
    assert closed.status == "closed"
    assert closed.closed_at == frozen_clock.current
    entry = Change.get((Change.request_id == closed.id) & (Change.action == "closed"))
    assert entry.journey and entry.agent is None and entry.data == {"reason": "auto"}
    # The live `changed` event goes out once the closing has committed.
    assert events.of(type="changed", kind="request", id=request_id, version=closed.version)
    events.close()


def test_D6_a_tag_on_day_3_moves_the_closing_to_day_8(app, db, agent, frozen_clock):
    request_id, activity_id = open_call(agent)
    frozen_clock.advance(days=3)
    assert (
        agent.post(f"/api/v1/activities/{activity_id}/tags", json={"name": "billing"}).status_code
        == 201
    )
    frozen_clock.advance(days=2, seconds=1)  # day 5: no longer due
    work(app)
    assert status(request_id) == "open"
    frozen_clock.advance(days=3, seconds=-2)  # a second before day 8
    run_timed_work(app)
    assert status(request_id) == "open"
    frozen_clock.advance(seconds=2)
    run_timed_work(app)
    assert status(request_id) == "closed"


CHANGES = {
    "tag": lambda agent, ids: agent.post(
        f"/api/v1/activities/{ids['activity']}/tags", json={"name": "vip"}
    ),
    "untag": lambda agent, ids: agent.delete(f"/api/v1/activities/{ids['activity']}/tags/old"),
    "comment": lambda agent, ids: agent.post(
        f"/api/v1/activities/{ids['activity']}/comments", json={"body": "Called back."}
    ),
    "activity edit": lambda agent, ids: agent.patch(
        f"/api/v1/activities/{ids['activity']}",
        json={"version": ids["activity_version"], "subject": "Refund"},
    ),
    "request edit": lambda agent, ids: agent.patch(
        f"/api/v1/requests/{ids['request']}",
        json={"version": ids["request_version"], "title": "Refund"},
    ),
    "new activity": lambda agent, ids: agent.call("+31 20 123 4567", "d3"),
    "interaction end": lambda agent, ids: agent.post("/api/v1/interactions/d1/end"),
    "move here": lambda agent, ids: agent.post(
        f"/api/v1/activities/{ids['other_activity']}/move",
        json={"request_id": ids["request"], "version": 1},
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_D6_every_change_that_counts_moves_the_deadline(agent, db, frozen_clock, change):
    request_id, activity_id = open_call(agent)
    agent.post(f"/api/v1/activities/{activity_id}/tags", json={"name": "old"})
    customer = agent.post(
        "/api/v1/customers", json={"name": "Jan", "activity_id": activity_id}
    ).get_json()["id"]
    other = agent.post(f"/api/v1/customers/{customer}/requests", json={"title": "Other"})
    # The newest open request gets the next call (C1b): an activity of another request.
    other_activity = agent.call("+31 20 123 4567", "d2").get_json()["activity"]
    assert other_activity["request_id"] == other.get_json()["id"]
    frozen_clock.advance(days=1)
    # New activities go to the most recently updated open request: make that this one.
    agent.post(f"/api/v1/activities/{activity_id}/comments", json={"body": "first"})
    ids = {
        "request": request_id,
        "activity": activity_id,
        "activity_version": agent.get(f"/api/v1/activities/{activity_id}").get_json()["version"],
        "request_version": agent.get(f"/api/v1/requests/{request_id}").get_json()["version"],
        "other_activity": other_activity["id"],
    }
    if change == "new activity":
        Request.update(updated_at=frozen_clock.current).where(
            Request.id == int(request_id)
        ).execute()
    frozen_clock.advance(days=2)
    response = CHANGES[change](agent, ids)
    assert response.status_code in (200, 201), response.get_json()
    if change == "new activity":
        assert response.get_json()["request"]["id"] == request_id
    assert Request.get_by_id(int(request_id)).last_activity_at == frozen_clock.current


def test_D6_reading_does_not_move_the_deadline(agent, db, frozen_clock):
    request_id, activity_id = open_call(agent)
    before = Request.get_by_id(int(request_id)).last_activity_at
    frozen_clock.advance(days=2)
    customer = Request.get_by_id(int(request_id)).customer_id
    for path in (
        f"/api/v1/requests/{request_id}",
        f"/api/v1/activities/{activity_id}",
        f"/api/v1/activities/{activity_id}/comments",
        f"/api/v1/customers/{customer}/journey",
        f"/api/v1/customers/{customer}",
        "/api/v1/workspace",
    ):
        assert agent.get(path).status_code == 200, path
    assert Request.get_by_id(int(request_id)).last_activity_at == before


def make_requests(count, last_activity_at, name="Bulk"):
    customer = Customer.create(name=name)
    rows = [
        {
            "customer": customer.id,
            "title": f"{name} {n}",
            "created_at": last_activity_at,
            "updated_at": last_activity_at,
            "last_activity_at": last_activity_at,
        }
        for n in range(count)
    ]
    for start in range(0, count, 500):
        Request.insert_many(rows[start : start + 500]).execute()
    return customer


def test_D6_ten_updates_and_a_thousand_open_requests_leave_one_scheduled_sweep(
    app, db, agent, frozen_clock
):
    make_requests(1000, frozen_clock.current)
    work(app)
    assert scheduled_ids(app) == [jobs.SWEEP_ID]
    request_id, activity_id = open_call(agent)
    for n in range(10):
        frozen_clock.advance(minutes=1)
        agent.post(f"/api/v1/activities/{activity_id}/comments", json={"body": f"note {n}"})
        jobs.kick_sweep()  # as each worker does every CHECK_INTERVAL
    assert jobs.queue().count == 0  # an update schedules nothing
    assert jobs.scheduled_sweeps() == 1
    run_timed_work(app)
    assert scheduled_ids(app) == [jobs.SWEEP_ID]
    assert jobs.scheduled_sweeps() == 1


def test_D6_next_run_is_at_the_earliest_deadline_at_most_a_minute_away(app, db, frozen_clock):
    after = app.config["AUTO_CLOSE_AFTER"]
    make_requests(1, frozen_clock.current - datetime.timedelta(seconds=after - 20))
    started = time.time()
    work(app)
    # Due in 20 s: scheduled for the whole second before (the job waits the rest itself).
    assert started + 18 <= scheduled_at(app, jobs.SWEEP_ID) <= time.time() + 20
    Request.delete().execute()
    make_requests(1, frozen_clock.current)
    run_timed_work(app)
    assert time.time() + 58 <= scheduled_at(app, jobs.SWEEP_ID) <= time.time() + 60


def test_D6_after_a_redis_flushall_the_sweep_still_closes_every_overdue_request(
    app, db, agent, frozen_clock
):
    overdue_early = make_requests(50, frozen_clock.current, "Early")
    work(app)
    # FLUSHDB: what FLUSHALL does to this service, without wiping the other databases of a
    # Redis server that other test runs share.
    redis_of(app).flushdb()  # the scheduled sweep is gone
    frozen_clock.advance(days=5, seconds=1)
    recent = make_requests(50, frozen_clock.current - DAY, "Recent")
    work(app)  # a worker starting (or its next check) puts the sweep back
    assert (
        not Request.select()
        .where((Request.customer == overdue_early.id) & (Request.status == "open"))
        .exists()
    )
    assert (
        not Request.select()
        .where((Request.customer == recent.id) & (Request.status == "closed"))
        .exists()
    )
    assert jobs.scheduled_sweeps() == 1


def test_D6_close_stale_command_runs_the_same_sweep_and_keeps_it_scheduled(app, db, frozen_clock):
    make_requests(3, frozen_clock.current - 6 * DAY)
    result = app.test_cli_runner().invoke(args=["close-stale"])
    assert "Closed 3 request" in result.output
    assert jobs.scheduled_sweeps() == 1


def test_D6_ten_thousand_overdue_requests_close_in_one_sweep(app, db, frozen_clock):
    make_requests(10_000, frozen_clock.current - 6 * DAY)
    started = time.perf_counter()
    work(app)
    seconds = time.perf_counter() - started
    print(
        f"\nD6 sweep: 10000 overdue requests closed in {seconds:.2f} s "
        f"({10_000 / seconds:.0f}/s) on {db.obj.__class__.__name__}"
    )
    assert Request.select().where(Request.status == "open").count() == 0
    assert Change.select().where(Change.action == "closed").count() == 10_000
