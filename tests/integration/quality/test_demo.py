"""The testing-supervision demo shows every state: fit and unfit agencies with their warnings, a
sample with a trail, accepted, modified, early and refused reports, a handling case at the reply;
concrete deliveries qualified, failing (a handling case), untested and weighed short."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import InboxTask, QualityReport, QualityWarning, ReportRejection
from app.services.demo import seed
from tests.support.client import ApiClient
from tests.support.settings import change_settings


def test_the_demo_has_every_state(sqlite_app, monkeypatch):
    api = ApiClient(sqlite_app.test_client(), sqlite_app.config["DEMO_PASSWORD"])
    change_settings(monkeypatch, sqlite_app, demo_order_cases=True)
    counts = seed.load_demo(sqlite_app.config["DEMO_PASSWORD"])
    assert counts.get("testing_agencies") == 3, counts
    kinds = set(db.session.scalars(select(QualityWarning.kind)))
    assert kinds == {"agency_expired", "equipment_expired", "report_modified", "issued_before_received",
                     "producer_expired", "weighbridge_mismatch", "witness_missing"}
    assert db.session.scalar(select(ReportRejection.reason_code)) == "sample_unknown"
    reports = {r.report_no: r for r in db.session.scalars(select(QualityReport))}
    assert reports["ZJC-2026-0102"].revisions == 1
    handling = reports["ZJC-2026-0105"].handling_instance_id
    assert db.session.scalar(select(InboxTask.task_name).where(
        InboxTask.instance_id == handling, InboxTask.status == "open")) == "reply"
    sample = api.get("/api/v1/samples/JS-2026-001-S0001", "district_quality").get_json()["data"]
    assert [(t["old_value"], t["new_value"]) for t in sample["trail"]] == [("60t", "58t")]
    # concrete: a qualified batch, one failing its grade with its handling case at the decision,
    # two not yet tested (one of them weighed short), one on the other district's project
    assert counts.get("concrete_producers") == 2 and counts.get("concrete_deliveries") == 5
    deliveries = {d["number"]: d for d in api.get("/api/v1/concrete/deliveries", "admin").get_json()["data"]}
    assert [deliveries[f"JS-2026-001-C000{n}"]["verdict"] for n in range(1, 5)] == [
        "qualified", "unqualified", None, None]
    assert [d["weight_mismatch"] for d in deliveries.values()].count(True) == 1
    failing = deliveries["JS-2026-001-C0002"]["tests"][0]["handling_instance_id"]
    assert db.session.scalar(select(InboxTask.task_name).where(
        InboxTask.instance_id == failing, InboxTask.status == "open")) == "decide"
    again = seed.load_demo(sqlite_app.config["DEMO_PASSWORD"])
    assert "testing_agencies" not in again and "concrete_producers" not in again
    assert db.session.scalar(select(func.count()).select_from(QualityReport)) == 4
