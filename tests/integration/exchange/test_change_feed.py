"""The change feed for upper platforms: every change of an exchanged record, in order, scoped,
resumable; on PostgreSQL gap-free while an older transaction is still in flight."""
from __future__ import annotations

import threading

import pytest

from app.domain.actors import SYSTEM, Actor, Grant
from app.extensions import db
from app.infra import change_feed
from app.infra.uow import transaction
from app.models import ChangeFeedEntry, DeviceAlarm, IssuedDocument, Project
from app.services.exchange import feed_reads
from tests.support.factories import gen_device, gen_district, gen_project, gen_user

URL = "/api/v1/exchange/changes"


def _read_all(api, user, since=None, limit=100):
    seen, cursor = [], since
    while True:
        r = api.get(URL, as_user=user, query_string={"since": cursor, "limit": limit} if cursor else {"limit": limit})
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
        seen += body["data"]
        cursor = body["meta"]["next_cursor"]
        if not body["meta"]["more"]:
            return seen, cursor


def test_created_and_changed_records_come_in_order_once_each_and_resume_from_the_cursor(app, api):
    gen_user("sys_admin", username="root", password=app.config["DEMO_PASSWORD"])
    project = gen_project(code="FEED-1")
    device = gen_device(project)
    entries, cursor = _read_all(api, "root", limit=1)
    assert [(e["record_type"], e["action"]) for e in entries] == [("project", "created")]
    assert entries[0]["record"]["code"] == "FEED-1" and entries[0]["project_code"] == "FEED-1"

    with transaction():  # created then changed in one transaction: one entry
        alarm = DeviceAlarm(device_id=device.id, project_id=project.id, alarm_type="load", source="threshold",
                            level="warning", status="open", first_at=project.created_at,
                            last_at=project.created_at, first_data_id="d-1", count=1)
        db.session.add(alarm)
        db.session.flush()
        alarm.level = "alarm"
    with transaction():
        db.session.get(Project, project.id).name = "改名工程"
    later, cursor2 = _read_all(api, "root", since=cursor)
    assert [(e["record_type"], e["action"]) for e in later] == [("alarm", "created"), ("project", "changed")]
    assert later[0]["record"]["level"] == "alarm" and later[1]["record"]["name"] == "改名工程"
    assert len({e["event_id"] for e in entries + later}) == 3
    assert _read_all(api, "root", since=cursor2) == ([], cursor2)


def test_the_feed_answers_only_within_the_callers_jurisdiction(app, api):
    mine, other = gen_district(), gen_district()
    gen_user("district_safety_officer", org_unit=mine, username="officer", password=app.config["DEMO_PASSWORD"])
    gen_project(mine, code="MINE-1")
    gen_project(other, code="OTHER-1")
    entries, _ = _read_all(api, "officer")
    assert {e["project_code"] for e in entries} == {"MINE-1"}


def test_a_cursor_no_answer_gave_is_refused_with_a_stable_code(app, api):
    gen_user("sys_admin", username="root", password=app.config["DEMO_PASSWORD"])
    for bad in ("12", "a-b", "-1-2", "1-2-3"):
        r = api.get(URL, as_user="root", query_string={"since": bad})
        assert r.status_code == 422 and r.get_json()["error"]["code"] == "feed_cursor_invalid"


def test_a_core_update_of_a_record_is_fed_by_its_writer(app):
    project = gen_project()
    with transaction():
        change_feed.note_rows(db.session.connection(), Project, [project.id])
    rows = db.session.query(ChangeFeedEntry).order_by(ChangeFeedEntry.id).all()
    assert [(r.record_type, r.action, r.project_id) for r in rows] == [
        ("project", "created", project.id), ("project", "changed", project.id)]
    assert IssuedDocument in change_feed.RECORD_TYPES


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)
def test_no_entry_is_skipped_while_an_older_transaction_is_still_in_flight(app):
    """Writer A takes its ids first but commits last; a reader between the two commits must not
    move its cursor past A's entry (reading by id alone would: B's id is above A's)."""
    district = gen_district()
    admin = Actor(user_id=None, username="root", grants=(Grant("sys_admin"),))
    flushed, release, done = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def writer_a():
        with app.app_context():
            try:
                with transaction(SYSTEM):
                    db.session.add(Project(code="A-FIRST", name="甲", district_id=district.id))
                    db.session.flush()  # A's feed row: the lower id and the lower transaction id
                    flushed.set()
                    assert release.wait(30)
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                errors.append(exc)
            finally:
                db.session.remove()
                done.set()

    thread = threading.Thread(target=writer_a)
    thread.start()
    assert flushed.wait(30)
    with transaction(SYSTEM):
        db.session.add(Project(code="B-SECOND", name="乙", district_id=district.id))
    first = feed_reads.changes(admin, None)
    assert [e["record"]["code"] for e in first.entries] == []  # B waits behind A in flight
    release.set()
    assert done.wait(30) and not errors, errors
    second = feed_reads.changes(admin, first.next_cursor)
    assert [e["record"]["code"] for e in second.entries] == ["A-FIRST", "B-SECOND"]
    assert feed_reads.changes(admin, second.next_cursor).entries == []
    thread.join(5)
