"""The testing agency registry (检测机构): qualification certificate, credit code, scope and
validity; its personnel (qualifications) and equipment (calibration). Agencies are city-wide
records: every official and enterprise user may read them, the quality stations keep them.

An agency is fit for new commissions only while its certificate, at least one person's
qualification and at least one instrument's calibration are valid (`fitness_problems`).
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from app import settings
from app.domain.body_fields import Fields
from app.domain.credit_code import credit_code_problem
from app.errors import ConflictError, NotFoundError
from app.extensions import db
from app.formdefs.messages import Said
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import AgencyEquipment, AgencyPerson, TestingAgency
from app.services.access.actors import Actor
from app.services.access.permissions import require_any_role

KEEPERS = ("district_quality_officer", "city_official")


@dataclass(frozen=True)
class NewAgency:
    id: int
    token: str  # shown once; stored as its SHA-256


def require_keeper(actor: Actor) -> None:
    """Raises PermissionDeniedError unless the actor keeps the quality registries."""
    require_any_role(actor, *KEEPERS)


def agency_row(agency_id: int) -> TestingAgency:
    agency = db.session.get(TestingAgency, agency_id) if isinstance(agency_id, int) else None
    if agency is None:
        raise NotFoundError("没有找到该检测机构。", code="agency_not_found")
    return agency


def read_credit_code(f: Fields) -> str | None:
    """The body's `credit_code`, checked and upper-cased (a problem is recorded in `f`)."""
    code = f.text("credit_code", 18)
    if code and (problem := credit_code_problem(code.upper())):
        f.fail("credit_code", problem)
        return None
    return code.upper() if code else None


def _new_token(agency: TestingAgency) -> str:
    token = secrets.token_urlsafe(24)
    agency.token_sha256 = hashlib.sha256(token.encode()).hexdigest()
    return token


def create_agency(actor: Actor, data: Any) -> NewAgency:
    """Register an agency; returns its id and its report token (shown once).

    Raises PermissionDeniedError, ValidationError, ConflictError(`agency_exists`)."""
    require_keeper(actor)
    f = Fields(data)
    values = {"name": f.text("name", 100), "credit_code": read_credit_code(f),
              "certificate_no": f.text("certificate_no", 64), "scope": f.text("scope", 500),
              "valid_until": f.day("valid_until")}
    f.only(values, "检测机构")
    f.done()
    with transaction(actor):
        if db.session.scalar(select(TestingAgency.id).where(TestingAgency.credit_code == values["credit_code"])):
            raise ConflictError("该统一社会信用代码的检测机构已登记。", code="agency_exists")
        agency = TestingAgency(**values)
        token = _new_token(agency)
        db.session.add(agency)
        db.session.flush()
        return NewAgency(agency.id, token)


def reset_token(actor: Actor, agency_id: int) -> str:
    """A new report token for the agency (the old one stops working). Raises
    PermissionDeniedError, NotFoundError."""
    require_keeper(actor)
    with transaction(actor):
        return _new_token(agency_row(agency_id))


def add_person(actor: Actor, agency_id: int, data: Any) -> int:
    """Add a testing person (qualification, certificate, validity). Raises PermissionDeniedError,
    NotFoundError, ValidationError."""
    require_keeper(actor)
    f = Fields(data)
    values = {"name": f.text("name", 50), "qualification": f.text("qualification", 100),
              "certificate_no": f.text("certificate_no", 64), "valid_until": f.day("valid_until")}
    f.only(values, "检测人员")
    with transaction(actor):
        agency = agency_row(agency_id)
        f.done()
        person = AgencyPerson(agency=agency, **values)
        db.session.add(person)
        db.session.flush()
        return person.id


def add_equipment(actor: Actor, agency_id: int, data: Any) -> int:
    """Add an instrument with its calibration validity. Raises PermissionDeniedError,
    NotFoundError, ValidationError."""
    require_keeper(actor)
    f = Fields(data)
    values = {"name": f.text("name", 100), "serial_no": f.text("serial_no", 64),
              "calibrated_until": f.day("calibrated_until")}
    f.only(values, "检测设备")
    with transaction(actor):
        agency = agency_row(agency_id)
        f.done()
        row = AgencyEquipment(agency=agency, **values)
        db.session.add(row)
        db.session.flush()
        return row.id


def valid_units(agency: TestingAgency, day: date) -> tuple[int, int]:
    """(qualified people, calibrated instruments) on `day`."""
    return (sum(1 for p in agency.people if p.valid_until >= day),
            sum(1 for e in agency.equipment if e.calibrated_until >= day))


def daily_capacity(agency: TestingAgency, day: date) -> int:
    """Reports a day the agency can issue: its valid person-instrument pairs × the unit rate."""
    return min(valid_units(agency, day)) * settings.current().quality_reports_per_unit_day


def fitness_problems(agency: TestingAgency, day: date) -> list[Said]:
    """Why the agency may not take new commissions on `day` (empty when it may)."""
    problems = []
    if agency.valid_until < day:
        problems.append(Said(f"资质证书 {agency.certificate_no} 已于 {agency.valid_until.isoformat()} 过期",
                             f"qualification certificate {agency.certificate_no} expired on "
                             f"{agency.valid_until.isoformat()}"))
    people, instruments = valid_units(agency, day)
    if not people:
        problems.append(Said("没有资格有效的检测人员", "no testing staff with a valid qualification"))
    if not instruments:
        problems.append(Said("没有检定有效的检测设备", "no testing equipment with a valid calibration"))
    return problems


def _view(agency: TestingAgency, day: date) -> dict[str, Any]:
    return {"id": agency.id, "name": agency.name, "credit_code": agency.credit_code,
            "certificate_no": agency.certificate_no, "scope": agency.scope,
            "valid_until": agency.valid_until, "expired": agency.valid_until < day,
            "daily_capacity": daily_capacity(agency, day), "problems": fitness_problems(agency, day)}


def list_agencies(actor: Actor) -> list[dict[str, Any]]:
    """Every registered agency with its fitness today (city-wide; any signed-in user)."""
    day = wallclock.local_today()
    return [_view(a, day) for a in db.session.scalars(select(TestingAgency).order_by(TestingAgency.name))]


def get_agency(actor: Actor, agency_id: int) -> dict[str, Any]:
    """One agency with its personnel and equipment and their validity. Raises NotFoundError."""
    day = wallclock.local_today()
    agency = agency_row(agency_id)
    return {**_view(agency, day),
            "people": [{"id": p.id, "name": p.name, "qualification": p.qualification,
                        "certificate_no": p.certificate_no, "valid_until": p.valid_until,
                        "expired": p.valid_until < day} for p in agency.people],
            "equipment": [{"id": e.id, "name": e.name, "serial_no": e.serial_no,
                           "calibrated_until": e.calibrated_until, "expired": e.calibrated_until < day}
                          for e in agency.equipment]}
