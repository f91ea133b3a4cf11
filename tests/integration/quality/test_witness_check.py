"""A concrete batch failing its grade is cross-checked against the witness samples of its project
and batch: no witness sample at all, or a witnessed sample whose report says qualified (entered
before or after the failing test), raises a warning once, told to the quality officers and
counted by the quality console; a passing batch, a witnessed batch without a contradicting
report and another project's sample of the same batch name change nothing."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Notification, Project, QualityWarning, User
from tests.integration.quality.concrete_support import (
    deploy_handling,
    make_delivery,
    make_producer,
    strength_body,
)
from tests.integration.quality.support import commission, make_agency, make_sample, post_report, report_body

PASSING = [[35.0, 34.5, 36.0], [34.0, 35.2, 35.5]]
FAILING = [[29.0, 30.5, 31.0]]


def _test(api, delivery: dict, agency_id: int, groups, report_no: str = "HNT2026-0031") -> dict:
    r = api.post(f"/api/v1/concrete/deliveries/{delivery['id']}/strength-tests", "supervisor",
                 json=strength_body(agency_id, groups, report_no=report_no))
    assert r.status_code == 201, r.get_json()
    return r.get_json()["data"]


def _warnings(kind: str) -> list[QualityWarning]:
    db.session.expire_all()
    return list(db.session.scalars(select(QualityWarning).where(QualityWarning.kind == kind)
                                   .order_by(QualityWarning.id)))


def _concrete_sample(api, batch: str, **kw) -> str:
    return make_sample(api, material="混凝土试块", specification="C30 150×150×150", batch=batch, **kw)


def test_a_failing_batch_without_a_witness_sample_is_warned_and_counted(demo_data, api):
    deploy_handling()
    agency_id, _ = make_agency(api, name="郑州见证检测甲公司")
    producer = make_producer(api)
    make_sample(api, project="EQ-2026-001", user="admin", batch="JS-2026-001-C0001")  # another project's
    delivery = make_delivery(api, producer)
    _test(api, delivery, agency_id, FAILING)
    [missing] = _warnings("witness_missing")
    js = db.session.scalar(select(Project.id).where(Project.code == "JS-2026-001"))
    assert (missing.agency_id, missing.project_id) == (agency_id, js)
    assert delivery["number"] in missing.message and "没有见证取样" in missing.message
    officer = db.session.scalar(select(User.id).where(User.username == "district_quality"))
    assert db.session.scalar(select(Notification.id).where(Notification.user_id == officer,
                                                          Notification.body == missing.message))
    listed = api.get("/api/v1/quality/warnings?kind=witness_missing", "district_quality").get_json()["data"]
    assert [w["message"] for w in listed] == [missing.message]
    assert api.get("/api/v1/quality/warnings?kind=witness_missing", "contractor_pm2").get_json()["data"] == []
    console = api.get("/api/v1/quality/console", "city_official").get_json()["data"]
    assert {r["agency_id"]: r["warnings"] for r in console["agencies"]}[agency_id] == 1
    passing = make_delivery(api, producer, weighbridge_no="GB-20260302-018")
    _test(api, passing, agency_id, PASSING, report_no="HNT2026-0032")
    assert len(_warnings("witness_missing")) == 1 and _warnings("witness_contradiction") == []


def test_a_qualified_witness_report_contradicts_a_failing_batch_whichever_comes_first(demo_data, api):
    deploy_handling()
    tester, _ = make_agency(api, name="郑州见证检测乙公司")
    witness, token = make_agency(api, name="郑州见证检测丙公司")
    producer = make_producer(api)
    first = make_delivery(api, producer)
    code = _concrete_sample(api, first["number"])
    assert commission(api, witness, [code]).status_code == 201
    post_report(api, token, report_body([code], report_no="JZ-1"))
    _test(api, first, tester, FAILING)  # the witness report came first
    [contradiction] = _warnings("witness_contradiction")
    assert contradiction.agency_id == witness and code in contradiction.message and "JZ-1" in contradiction.message
    assert _warnings("witness_missing") == []
    second = make_delivery(api, producer, weighbridge_no="GB-20260302-020")
    later = _concrete_sample(api, " gb-20260302-020 ")  # the weighbridge ticket names the batch too
    assert commission(api, witness, [later]).status_code == 201
    _test(api, second, tester, FAILING, report_no="HNT2026-0040")
    assert len(_warnings("witness_contradiction")) == 1 and _warnings("witness_missing") == []  # witnessed, no report yet
    post_report(api, token, report_body([later], report_no="JZ-2"))  # the witness report comes later
    assert len(_warnings("witness_contradiction")) == 2
    post_report(api, token, report_body([later], report_no="JZ-2"))  # the same report again: once
    assert len(_warnings("witness_contradiction")) == 2
