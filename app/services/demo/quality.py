"""Demo data of testing supervision, one record in every state: a fit agency, one with an
expired certificate, one with an expired calibration (their warnings); witness samples on two
projects, one changed after it was recorded; a commission; a qualified report, a report
modified after issue, one issued before its sample was received, a refused one (kept), and an
unqualified one whose handling case waits for the contractor's reply."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app import settings
from app.domain.credit_code import make_credit_code
from app.extensions import db
from app.infra import wallclock
from app.models import InboxTask, TestingAgency, User
from app.services.access.actors import Actor, actor_for
from app.services.definitions import deployments
from app.services.quality import commissions, registries, reports, samples, warnings
from app.services.workflow import cases

FAR = "2030-12-31"
AGENCIES = [  # (credit code body, name, certificate, valid until, calibrated until)
    ("91410100MA40QC001", "郑州市建设工程质量检测中心有限公司", "豫建检字第0001号", FAR, FAR),
    ("91410100MA40QC002", "河南中原建材检测有限公司", "豫建检字第0017号", "2025-06-30", FAR),
    ("91410100MA40QC003", "郑州恒信工程检测有限公司", "豫建检字第0023号", FAR, "2025-10-31"),
]
SAMPLES = [  # (material, specification, batch, quantity, location)
    ("热轧带肋钢筋", "HRB400E Φ20", "G2026-0311", "60t", "3#楼二层框架柱"),
    ("普通硅酸盐水泥", "P·O 42.5", "S2026-0302", "200t", "搅拌站1#罐"),
    ("混凝土试块", "C35 150mm", "H2026-0305", "3块", "3#楼三层顶板"),
    ("蒸压加气混凝土砌块", "A3.5 B06", "Q2026-0308", "120m³", "5#楼四层填充墙"),
]


def _actor(username: str) -> Actor:
    return actor_for(db.session.scalar(select(User).where(User.username == username)))


def _sample(username: str, project: str, row: tuple, sampled_on: str) -> str:
    material, spec, batch, quantity, location = row
    return samples.record_sample(_actor(username), project, {
        "material": material, "specification": spec, "batch": batch, "quantity": quantity, "location": location,
        "sampler_name": "王强", "sampler_cert": "QY-0012", "witness_name": "孙浩", "witness_cert": "JZ-0098",
        "sampled_on": sampled_on})


def _agencies() -> list[tuple[int, str]]:
    keeper = _actor("district_quality")
    made = []
    for body, name, certificate, valid_until, calibrated_until in AGENCIES:
        agency = registries.create_agency(keeper, {
            "name": name, "credit_code": make_credit_code(body), "certificate_no": certificate,
            "scope": "建筑材料及构配件、主体结构及装饰装修、钢结构", "valid_until": valid_until})
        for n, person in enumerate(("李检", "周测")):
            registries.add_person(keeper, agency.id, {"name": person, "qualification": "建设工程质量检测人员",
                                                      "certificate_no": f"JC-{agency.id}-{n}", "valid_until": FAR})
        registries.add_equipment(keeper, agency.id, {"name": "微机控制电液伺服万能试验机", "serial_no": f"WE-{agency.id}",
                                                      "calibrated_until": calibrated_until})
        made.append((agency.id, agency.token))
    return made


def _report(token: str, codes: list[str], number: str, issued: str, received: str, **kw) -> reports.ReportOutcome:
    return reports.receive_report(f"Agency {token}", {
        "report_no": number, "project_code": "JS-2026-001", "issued_at": issued, "received_at": received,
        "conclusion": "qualified", "sample_codes": codes,
        "items": [{"name": "强度", "value": "合格值", "standard": "设计要求", "result": "合格"}], **kw})


def seed_quality() -> dict[str, int]:
    """Load the testing-supervision demo once (with the demo cases; skipped when agencies exist)."""
    if not settings.current().demo_order_cases or db.session.scalar(select(TestingAgency.id).limit(1)):
        return {}
    base = deployments.bundle_from_dirs()
    deployments.deploy(deployments.Bundle({n: b for n, b in base.files.items() if n.startswith("quality_handling")},
                                          {n: b for n, b in base.forms.items() if n.startswith("quality_handling")}))
    (fit, token), *_unfit = _agencies()
    today = wallclock.local_today()
    day = [(today - timedelta(days=n)).isoformat() for n in range(8)]
    codes = [_sample("supervisor", "JS-2026-001", row, day[7]) for row in SAMPLES]
    samples.update_sample(_actor("chief_supervisor"), codes[0], {"quantity": "58t"})
    _sample("admin", "EQ-2026-001", SAMPLES[1], day[6])
    commissions.create_commission(_actor("supervisor"), "JS-2026-001", {"agency_id": fit, "sample_codes": codes})
    received = f"{day[6]}T09:00:00+08:00"
    _report(token, [codes[1]], "ZJC-2026-0101", f"{day[4]}T10:00:00+08:00", received)
    _report(token, [codes[2]], "ZJC-2026-0102", f"{day[4]}T11:00:00+08:00", received)
    _report(token, [codes[2]], "ZJC-2026-0102", f"{day[3]}T11:00:00+08:00", received)
    _report(token, [codes[3]], "ZJC-2026-0103", f"{day[6]}T08:00:00+08:00", received)
    _report(token, ["JS-2026-001-S9999"], "ZJC-2026-0104", f"{day[3]}T10:00:00+08:00", received)
    handling = _report(token, [codes[0]], "ZJC-2026-0105", f"{day[2]}T10:00:00+08:00", received,
                       conclusion="unqualified", items=[
                           {"name": "屈服强度", "value": "372 MPa", "standard": "≥400 MPa", "result": "不合格"}])
    who = _actor("district_quality")
    task = db.session.scalar(select(InboxTask).where(InboxTask.instance_id == handling.handling_instance_id,
                                                     InboxTask.status == "open"))
    cases.complete_task(who, task.id, {
        "quality_decision": "rectify", "decision_opinion": "该批钢筋屈服强度不合格，清退出场。",
        "requirements": "该批钢筋立即清退，已用部位拆除更换。", "deadline": (today + timedelta(days=14)).isoformat()})
    return {"testing_agencies": len(AGENCIES), "quality_samples": len(codes) + 1,
            "quality_warnings": warnings.sweep_expiries()}
