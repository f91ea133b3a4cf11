"""The supervision-records demo shows every state: approved (with its PDF), returned, returned
and resubmitted, waiting; a side-station and a parallel inspection record; a missing-log reminder."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import IssuedDocument, SupervisionLogReminder, SupervisionRecord
from app.services.demo import seed
from tests.support.settings import change_settings


def test_the_demo_has_every_state(sqlite_app, monkeypatch):
    change_settings(monkeypatch, sqlite_app, demo_order_cases=True)
    counts = seed.load_demo(sqlite_app.config["DEMO_PASSWORD"])
    assert counts.get("supervision_records") == 6, counts
    rows = list(db.session.scalars(select(SupervisionRecord).order_by(SupervisionRecord.id)))
    assert [(r.kind, r.status, r.revisions) for r in rows] == [
        ("log", "approved", 0), ("log", "returned", 0), ("log", "submitted", 1), ("log", "submitted", 0),
        ("side_station", "approved", 0), ("parallel_inspection", "submitted", 0)]
    assert rows[1].review_opinion and rows[5].content["result"] == "unqualified"
    printed = db.session.scalars(select(IssuedDocument.template).where(
        IssuedDocument.id.in_([r.document_id for r in rows if r.document_id]))).all()
    assert sorted(printed) == ["side_station_record", "supervision_log"]
    reminders = list(db.session.scalars(select(SupervisionLogReminder)))
    assert [r.project.code for r in reminders] == ["JS-2026-002"] and reminders[0].told >= 3
    again = seed.load_demo(sqlite_app.config["DEMO_PASSWORD"])
    assert "supervision_records" not in again
    assert len(db.session.scalars(select(SupervisionRecord.id)).all()) == 6
