"""Scoring standards: each version lists indicators (points per occurrence, monthly cap) and
applies from its effective month until the next version's. The caps add up to at most 100:
each indicator weighs its cap in the 100-point score (the report prints it as the weight). The shipped default is
app/data/health-check-standard.csv, loaded as version 1 from 2000-01 when none exists."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from app.errors import ConflictError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.infra.months import check_month
from app.infra.uow import transaction
from app.models import HealthCheckIndicator, HealthCheckStandard
from app.services.access.actors import Actor
from app.services.health_check.measures import MEASURES

DEFAULT_CSV = Path(__file__).resolve().parents[2] / "data" / "health-check-standard.csv"
DEFAULT_FROM = "2000-01"
MAX_POINTS = 100.0
# the safety and quality stations and above keep the standards (as they keep the clause library)
MAINTAINERS = frozenset({"sys_admin", "city_official", "district_safety_officer",
                         "district_quality_officer"})


def default_indicators() -> list[dict[str, Any]]:
    with DEFAULT_CSV.open(encoding="utf-8") as fh:
        return [{"code": r["code"], "name": r["name"], "points": float(r["points"]),
                 "cap": float(r["cap"])} for r in csv.DictReader(fh)]


def ensure_default() -> HealthCheckStandard:
    """The first version (the shipped default), created if there is none; in the caller's
    transaction."""
    first = db.session.scalar(select(HealthCheckStandard).order_by(HealthCheckStandard.version))
    if first is not None:
        return first
    standard = HealthCheckStandard(version=1, name="默认体检标准", effective_month=DEFAULT_FROM,
                                   created_by="system")
    standard.indicators = [HealthCheckIndicator(position=i, **row)
                           for i, row in enumerate(default_indicators())]
    db.session.add(standard)
    db.session.flush()
    return standard


def standard_for_month(month: str) -> HealthCheckStandard:
    """The version in force for `month` (the newest whose effective month is not later)."""
    check_month(month)
    ensure_default()
    return db.session.scalar(select(HealthCheckStandard)
                             .where(HealthCheckStandard.effective_month <= month)
                             .order_by(HealthCheckStandard.effective_month.desc()).limit(1))


def list_standards(actor: Actor) -> list[dict[str, Any]]:
    """Every version, oldest first (reference data: every signed-in user may read it)."""
    with transaction(actor):
        ensure_default()
    rows = db.session.scalars(select(HealthCheckStandard).order_by(HealthCheckStandard.version))
    return [as_dict(s) for s in rows]


def as_dict(standard: HealthCheckStandard) -> dict[str, Any]:
    return {"version": standard.version, "name": standard.name,
            "effective_month": standard.effective_month, "created_by": standard.created_by,
            "indicators": [{"code": i.code, "name": i.name, "points": i.points, "cap": i.cap}
                           for i in standard.indicators]}


def may_maintain(actor: Actor) -> bool:
    return bool(actor.roles & MAINTAINERS)


def create_version(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """A new version applying from data['effective_month'] (later than every existing version's)
    with data['indicators'] = [{code, name, points, cap}]; codes from MEASURES only."""
    if not may_maintain(actor):
        raise PermissionDeniedError("只有监管人员可以维护体检标准。", code="health_standard_denied")
    month = check_month(data.get("effective_month"))
    name = str(data.get("name") or "").strip()[:100] or f"体检标准（{month}起）"
    indicators = _indicators(data.get("indicators"))
    with transaction(actor):
        ensure_default()
        latest = db.session.scalar(select(func.max(HealthCheckStandard.effective_month)))
        if month <= latest:
            raise ConflictError("新版本的起始月份须晚于现行版本。", code="health_standard_month_taken")
        version = db.session.scalar(select(func.max(HealthCheckStandard.version))) + 1
        standard = HealthCheckStandard(version=version, name=name, effective_month=month,
                                       created_by=actor.username)
        standard.indicators = [HealthCheckIndicator(position=i, **row) for i, row in enumerate(indicators)]
        db.session.add(standard)
        db.session.flush()
        return as_dict(standard)


def _indicators(rows: Any) -> list[dict[str, Any]]:
    if not isinstance(rows, list) or not rows:
        raise ValidationError("请至少填写一项扣分指标。", code="health_standard_invalid")
    seen: set[str] = set()
    out = []
    for row in rows:
        code = row.get("code") if isinstance(row, dict) else None
        if not isinstance(code, str) or code not in MEASURES or code in seen:
            raise ValidationError("扣分指标无效或重复。", code="health_standard_invalid")
        try:
            if any(isinstance(row.get(k), bool | str) for k in ("points", "cap")):
                raise TypeError
            points, cap = float(row.get("points")), float(row.get("cap"))
        except (TypeError, ValueError, OverflowError):
            raise ValidationError("扣分值和上限须为数字。", code="health_standard_invalid") from None
        if not (0 < points <= MAX_POINTS and 0 < cap <= MAX_POINTS):
            raise ValidationError("扣分值和上限须在 0 到 100 之间。", code="health_standard_invalid")
        seen.add(code)
        name = str(row.get("name") or "").strip()[:100] or MEASURES[code].label
        out.append({"code": code, "name": name, "points": points, "cap": cap})
    if sum(r["cap"] for r in out) > MAX_POINTS:
        raise ValidationError("各项扣分上限之和不得超过 100 分。", code="health_standard_invalid")
    return out

