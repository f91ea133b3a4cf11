"""Concrete deliveries to a project (商品混凝土进场, seed 000 §3.1.5.2.2 过磅监管, §3.1.5.2.4) and
the compressive strength tests of each delivery batch (§3.1.5.2.5).

A delivery names its producer (fit on the delivery day), grade, volume, time, pour location and
weighbridge record (ticket, gross and tare mass); a net mass that does not match the volume
(density outside DENSITY) raises a warning reminder. A strength test names the testing agency
and its report number and gives the specimen groups; `app.domain.concrete_strength.judge`
decides, and a batch failing its grade starts the `quality_handling` chain like an unqualified
report and is cross-checked against the batch's witness samples (quality.witness_check).
"""
from __future__ import annotations

from contextlib import suppress
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from app.domain.body_fields import Fields
from app.domain.concrete_strength import GRADES, judge
from app.errors import ConflictError, PermissionDeniedError
from app.extensions import db
from app.formdefs.messages import Said
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import ConcreteDelivery, ConcreteStrengthTest, Project
from app.services.access.actors import Actor
from app.services.access.permissions import require_project_role
from app.services.access.scoping import in_visible_projects, visible_or_404, visible_project
from app.services.quality import warnings, witness_check
from app.services.quality.handling import start_batch_handling
from app.services.quality.producers import producer_row, producer_view
from app.services.quality.registries import agency_row
from app.services.quality.samples import SAMPLERS

RECORDERS = ("contractor_pm", *SAMPLERS)
TESTERS_OFFICIAL = ("district_quality_officer",)
DENSITY = (2.2, 2.6)  # t/m³ a weighed load of fresh concrete may show
MAX_VOLUME, MAX_MASS, MAX_GROUPS, MAX_MPA = 20.0, 100_000, 30, 200.0
CONCLUSIONS = {"qualified": "合格", "unqualified": "不合格"}


def _number(f: Fields, name: str, low: float, high: float, *, integer: bool = False) -> Any:
    value = f.data.get(name)
    if isinstance(value, str) and value.strip():
        with suppress(ValueError):  # a page posts text; the range check below refuses the rest
            value = int(value) if integer else float(value)
    if isinstance(value, bool) or not isinstance(value, int if integer else int | float) or not low <= value <= high:
        f.fail(name, f"应为 {low:g} 至 {high:g} 之间的{'整数' if integer else '数值'}。")
        return None
    return value


def _read_delivery(data: Any) -> dict[str, Any]:
    f = Fields(data)
    values = {"grade": f.data.get("grade"), "volume_m3": _number(f, "volume_m3", 0.5, MAX_VOLUME),
              "location": f.text("location", 200), "delivered_at": f.moment("delivered_at"),
              "vehicle_plate": f.text("vehicle_plate", 16), "weighbridge_no": f.text("weighbridge_no", 64),
              "gross_kg": _number(f, "gross_kg", 1, MAX_MASS, integer=True),
              "tare_kg": _number(f, "tare_kg", 1, MAX_MASS, integer=True)}
    if values["grade"] not in GRADES:
        f.fail("grade", f"应为强度等级 {'、'.join(GRADES)} 之一。")
    if values["gross_kg"] and values["tare_kg"] and values["tare_kg"] >= values["gross_kg"]:
        f.fail("tare_kg", "皮重应小于毛重。")
    if values["delivered_at"] and values["delivered_at"] > wallclock.now():
        f.fail("delivered_at", "进场时间不能晚于现在。")
    if not isinstance(f.data.get("producer_id"), int):
        f.fail("producer_id", "请选择生产企业。")
    f.only({*values, "producer_id"}, "供货记录")
    f.done()
    return values


def _next_number(project_code: str) -> str:
    prefix = f"{project_code}-C"
    used = db.session.scalar(select(func.count()).select_from(ConcreteDelivery)
                             .where(ConcreteDelivery.number.startswith(prefix)))
    return f"{prefix}{used + 1:04d}"


def record_delivery(actor: Actor, project_code: str, data: Any) -> dict[str, Any]:
    """Record a delivery batch on a project; returns its id and number (`<project>-C0001`).

    Raises NotFoundError (project, producer), PermissionDeniedError, ValidationError,
    ConflictError(`producer_unfit`) for a producer whose certificate had expired that day."""
    with transaction(actor):
        project = visible_project(actor, code=project_code)
        require_project_role(actor, project, *RECORDERS)
        values = _read_delivery(data)
        producer = producer_row(data["producer_id"])
        if producer.valid_until >= wallclock.local_date(values["delivered_at"]):
            return _store_delivery(actor, project, producer.id, values)
        warnings.producer_expiry(producer)  # the reminder is kept although the delivery is not
        name, until = producer.name, producer.valid_until.isoformat()
    raise ConflictError(Said(f"{name}的资质证书已于 {until} 过期，不能向工程供应混凝土。",
                             f"The qualification certificate of {name} expired on {until}: it may not supply "
                             "concrete to projects."), code="producer_unfit")


def _store_delivery(actor: Actor, project: Project, producer_id: int, values: dict[str, Any]) -> dict[str, Any]:
    row = ConcreteDelivery(project_id=project.id, producer_id=producer_id, number=_next_number(project.code),
                           recorded_by=actor.username, **values)
    db.session.add(row)
    db.session.flush()
    density = _density(row)
    if not DENSITY[0] <= density <= DENSITY[1]:
        warnings.raise_warning("weighbridge_mismatch", row.number,
                               f"{project.name}的混凝土供货 {row.number}（过磅单 {row.weighbridge_no}）净重 "
                               f"{(row.gross_kg - row.tare_kg) / 1000:.2f} t，方量 {row.volume_m3:g} m³，"
                               f"折合 {density:.2f} t/m³，超出 {DENSITY[0]}–{DENSITY[1]} t/m³。",
                               project_id=project.id)
    return {"id": row.id, "number": row.number}


def _density(row: ConcreteDelivery) -> float:
    return (row.gross_kg - row.tare_kg) / 1000 / row.volume_m3


def _groups(f: Fields) -> list[list[float]]:
    groups = f.data.get("groups")
    if (not isinstance(groups, list) or not 0 < len(groups) <= MAX_GROUPS or not all(
            isinstance(g, list) and len(g) == 3 and all(
                isinstance(v, int | float) and not isinstance(v, bool) and 0 < v <= MAX_MPA for v in g)
            for g in groups)):
        f.fail("groups", f"应为 1 至 {MAX_GROUPS} 组试件，每组三个 0 至 {MAX_MPA:g} MPa 之间的抗压强度值。")
        return []
    return [[float(v) for v in g] for g in groups]


def _read_test(data: Any, delivered_at: datetime) -> dict[str, Any]:
    f = Fields(data)
    values = {"report_no": f.text("report_no", 64), "age_days": _number(f, "age_days", 1, 365, integer=True),
              "tested_on": f.day("tested_on"), "groups": _groups(f)}
    day = values["tested_on"]
    if day and not wallclock.local_date(delivered_at) <= day <= wallclock.local_today():
        f.fail("tested_on", "检测日期应在进场之后、不晚于今天。")
    if not isinstance(f.data.get("agency_id"), int):
        f.fail("agency_id", "请选择检测机构。")
    f.only({*values, "agency_id"}, "强度检测")
    f.done()
    return values


def may_test(actor: Actor, project: Project) -> bool:
    """The project's supervisors and the quality officers (in whose jurisdiction it lies) enter tests."""
    return bool(actor.is_admin or actor.roles_on_project(project.id) & set(SAMPLERS)
                or actor.roles & set(TESTERS_OFFICIAL))


def add_strength_test(actor: Actor, delivery_id: int, data: Any) -> dict[str, Any]:
    """Enter the strength test of a delivery batch; returns its verdict (and the handling case
    started when it fails its grade). Raises NotFoundError (delivery, agency),
    PermissionDeniedError, ValidationError, ConflictError(`strength_report_exists`)."""
    with transaction(actor):
        delivery = visible_or_404(actor, ConcreteDelivery, delivery_id, code="delivery_not_found",
                                  message="没有找到该混凝土供货记录。")
        if not may_test(actor, delivery.project):
            raise PermissionDeniedError("您不能录入该工程的混凝土强度检测。", code="project_role_required")
        values = _read_test(data, delivery.delivered_at)
        agency = agency_row(data["agency_id"])
        if db.session.scalar(select(ConcreteStrengthTest.id).where(ConcreteStrengthTest.agency_id == agency.id,
                                                                  ConcreteStrengthTest.report_no == values["report_no"])):
            raise ConflictError("该检测机构的这一报告编号已录入。", code="strength_report_exists")
        verdict = judge(delivery.grade, [tuple(g) for g in values["groups"]])
        test = ConcreteStrengthTest(
            delivery=delivery, project_id=delivery.project_id, agency=agency, entered_by=actor.username,
            representative=list(verdict.representative), mean_mpa=verdict.mean, min_mpa=verdict.minimum,
            rule=verdict.rule, conclusion="qualified" if verdict.qualified else "unqualified", **values)
        db.session.add(test)
        db.session.flush()
        if not verdict.qualified:
            test.handling_instance_id = start_batch_handling(test)
            witness_check.check_failing_batch(test)
        return test_view(test)


def test_view(t: ConcreteStrengthTest) -> dict[str, Any]:
    return {"id": t.id, "report_no": t.report_no, "agency_id": t.agency_id, "agency_name": t.agency.name,
            "age_days": t.age_days, "tested_on": t.tested_on, "groups": t.groups,
            "representative": t.representative, "mean_mpa": t.mean_mpa, "min_mpa": t.min_mpa, "rule": t.rule,
            "conclusion": t.conclusion, "conclusion_label": CONCLUSIONS[t.conclusion],
            "handling_instance_id": t.handling_instance_id, "entered_by": t.entered_by}


def delivery_view(d: ConcreteDelivery) -> dict[str, Any]:
    tests = [test_view(t) for t in d.tests]
    verdict = ("unqualified" if any(t["conclusion"] == "unqualified" for t in tests)
               else "qualified" if tests else None)
    return {"id": d.id, "number": d.number, "project_code": d.project.code, "project_name": d.project.name,
            "producer_id": d.producer_id, "producer_name": d.producer.name, "grade": d.grade,
            "volume_m3": d.volume_m3, "location": d.location, "delivered_at": d.delivered_at,
            "vehicle_plate": d.vehicle_plate, "weighbridge_no": d.weighbridge_no, "gross_kg": d.gross_kg,
            "tare_kg": d.tare_kg, "net_kg": d.gross_kg - d.tare_kg, "density": round(_density(d), 2),
            "weight_mismatch": not DENSITY[0] <= _density(d) <= DENSITY[1], "recorded_by": d.recorded_by,
            "verdict": verdict, "verdict_label": CONCLUSIONS.get(verdict or "", "待检测"), "tests": tests}


def list_deliveries(actor: Actor, project_code: str | None = None, *, limit: int = 500,
                    offset: int = 0) -> list[dict[str, Any]]:
    """Deliveries of the visible projects (or of one), newest first, with their tests. Raises
    NotFoundError for an invisible project."""
    stmt = in_visible_projects(actor, ConcreteDelivery, project_code)
    rows = db.session.scalars(stmt.order_by(ConcreteDelivery.delivered_at.desc(), ConcreteDelivery.id.desc())
                              .limit(limit).offset(offset))
    return [delivery_view(d) for d in rows]


def count_deliveries(actor: Actor, project_code: str | None = None) -> int:
    """How many deliveries list_deliveries pages through."""
    stmt = in_visible_projects(actor, ConcreteDelivery, project_code)
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def get_delivery(actor: Actor, delivery_id: int) -> dict[str, Any]:
    """One delivery with its producer and strength tests. Raises NotFoundError."""
    row = visible_or_404(actor, ConcreteDelivery, delivery_id, code="delivery_not_found",
                         message="没有找到该混凝土供货记录。")
    return {**delivery_view(row), "producer": producer_view(row.producer, wallclock.local_today()),
            "may_test": may_test(actor, row.project)}


def may_record(actor: Actor, project_code: str) -> bool:
    """Whether the actor records deliveries on the project (pages show the form only then)."""
    project = visible_project(actor, code=project_code)
    return bool(actor.is_admin or actor.roles_on_project(project.id) & set(RECORDERS))
