"""The demo set shows hazardous works in every status, reached through the real processes."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import WORK_STATUSES, HazardousWork, InboxTask, InstanceEvent, ProcessInstance
from app.services.demo import seed
from app.services.hazard import work_cases
from tests.support.processes import actor
from tests.support.settings import change_settings

from .support import inbox_names


def test_demo_lifecycle_is_seeded_once_with_real_case_files(sqlite_app, monkeypatch):
    change_settings(monkeypatch, sqlite_app, demo_hazard_cases=True)
    counts = seed.load_demo(sqlite_app.config["DEMO_PASSWORD"])
    assert counts["hazard_demo_works"] == 6
    statuses = set(db.session.scalars(select(HazardousWork.status)))
    assert statuses == set(WORK_STATUSES)
    works = {w.code: w for w in db.session.scalars(select(HazardousWork).where(HazardousWork.code.like("WD-1_")))}
    expected = {"WD-11": "plan_approved", "WD-12": "in_progress", "WD-13": "suspended", "WD-14": "accepted",
                "WD-15": "terminated", "WD-16": "registered"}
    assert {c: w.status for c, w in works.items()} == expected
    # every status change came from a process (a work_status event on one of its cases)
    moved = db.session.scalars(select(InstanceEvent).join(ProcessInstance).where(
        InstanceEvent.kind == "work_status", ProcessInstance.subject_id == works["WD-13"].id))
    assert [e.data["to"] for e in moved] == ["plan_approved", "in_progress", "suspended"]
    panel = work_cases.work_file(actor("district_safety"), works["WD-11"].id)["cases"][0]
    assert "expert_argumentation_report" in [d["template"] for d in panel["documents"]]
    assert any(e["kind"] == "expert_draw" for e in panel["history"])
    open_rows = {(r.task_name) for r in db.session.scalars(select(InboxTask).where(InboxTask.status == "open"))}
    assert {"rectify", "apply_resumption", "tech_review"} <= open_rows
    assert "tech_review" in {r.task_name for r in db.session.scalars(select(InboxTask).where(
        InboxTask.status == "open", InboxTask.subject_id == works["WD-16"].id))}
    assert inbox_names("tech_lead", next(iter(
        r.instance_id for r in db.session.scalars(select(InboxTask).where(
            InboxTask.status == "open", InboxTask.subject_id == works["WD-16"].id))))) == ["tech_review"]
    assert seed.load_demo(sqlite_app.config["DEMO_PASSWORD"]).get("hazard_demo_works") is None  # idempotent


def test_demo_lifecycle_is_off_in_tests_by_default(demo_data):
    assert db.session.scalar(select(HazardousWork.id).where(HazardousWork.code == "WD-11")) is None
