"""`flask demo seed`: the demo data set, loaded idempotently by natural keys."""
from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from app.domain.credit_code import make_credit_code
from app.domain.super_scale import classify
from app.extensions import db
from app.infra.uow import transaction
from app.models import (
    Department,
    Device,
    DeviceOperator,
    Enterprise,
    Expert,
    HazardousCategory,
    HazardousWork,
    OrgUnit,
    Project,
    ProjectParticipant,
    RoleGrant,
    User,
)
from app.services.access.id_numbers import hash_id_number, mask_id_number
from app.services.access.passwords import hash_password
from app.services.demo.assessment import seed_assessment
from app.services.demo.concrete import seed_concrete
from app.services.demo.data import (
    DEMO_USERS,
    DEPARTMENTS,
    DEVICE_OPERATORS,
    DEVICES,
    ENTERPRISES,
    EXPERTS,
    HAZARDOUS_WORKS,
    ORG_UNITS,
    PROJECTS,
)
from app.services.demo.education import seed_education
from app.services.demo.hazard import seed_lifecycle
from app.services.demo.notices import seed_notices
from app.services.demo.orders import seed_orders
from app.services.demo.quality import seed_quality
from app.services.demo.site_records import seed_site_records
from app.services.hazard.categories import load_default_categories

__all__ = ["DEMO_USERS", "load_demo"]


def _get_or_add(model, lookup: dict, values: dict, counts: Counter, kind: str):
    row = db.session.scalar(select(model).filter_by(**lookup))
    if row is None:
        row = model(**lookup, **values)
        db.session.add(row)
        db.session.flush()
        counts[kind] += 1
    return row


def _org_units(counts: Counter) -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    for code, name, parent, prefix in ORG_UNITS:
        parent_unit = units.get(parent)
        level = "province" if parent is None else ("city" if parent_unit.level == "province" else "district")
        unit = _get_or_add(OrgUnit, {"code": code}, {"name": name, "level": level, "notice_prefix": prefix,
                                                     "parent_id": parent_unit.id if parent_unit else None},
                           counts, "org_units")
        unit.path = f"{parent_unit.path if parent_unit else '/'}{unit.id}/"
        units[code] = unit
    for code, kind, name in DEPARTMENTS:
        _get_or_add(Department, {"org_unit_id": units[code].id, "kind": kind}, {"name": name},
                    counts, "departments")
    return units


def _enterprises(counts: Counter) -> dict[str, Enterprise]:
    return {key: _get_or_add(Enterprise, {"credit_code": make_credit_code(body)},
                             {"name": name, "type": etype, "legal_person": person,
                              "address": "河南省郑州市", "phone": "0371-6" + body[-7:]}, counts, "enterprises")
            for key, body, name, etype, person in ENTERPRISES}


def _projects(units, firms, counts: Counter) -> dict[str, Project]:
    projects = {}
    for code, name, district, address, permit, parties in PROJECTS:
        project = _get_or_add(Project, {"code": code}, {
            "name": name, "district_id": units[district].id, "address": address, "permit_no": permit,
            "supervision_no": "AJ" + permit[-8:], "status": "active"}, counts, "projects")
        for party, key in parties.items():
            _get_or_add(ProjectParticipant, {"project_id": project.id, "enterprise_id": firms[key].id,
                                             "party_type": party},
                        {"responsible_person": firms[key].legal_person}, counts, "participants")
        projects[code] = project
    return projects


def _users(password: str, units, firms, projects, counts: Counter) -> None:
    password_hash = None
    for number, u in enumerate(DEMO_USERS, 1):
        user = db.session.scalar(select(User).where(User.username == u.username))
        if user is None:
            password_hash = password_hash or hash_password(password)
            dept = None
            if u.department:
                dept = db.session.scalar(select(Department).where(
                    Department.org_unit_id == units[u.org_unit].id, Department.kind == u.department))
            user = User(username=u.username, display_name=u.display_name, password_hash=password_hash,
                        org_unit_id=units[u.org_unit].id if u.org_unit else None,
                        department_id=dept.id if dept else None,
                        enterprise_id=firms[u.enterprise].id if u.enterprise else None,
                        phone=f"0371-6718{number:04d}")  # notices print the official's phone
            db.session.add(user)
            db.session.flush()
            counts["users"] += 1
        scopes = [(None, projects[p].id) for p in u.projects] or [(units[u.org_unit].id, None)]
        for org_unit_id, project_id in scopes:
            _get_or_add(RoleGrant, {"user_id": user.id, "role_code": u.role, "org_unit_id": org_unit_id,
                                    "project_id": project_id}, {}, counts, "role_grants")


def _experts(password: str, firms, counts: Counter) -> None:
    password_hash = None
    for number, name, specialties, employer, title in EXPERTS:
        username = f"expert{number}"
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            password_hash = password_hash or hash_password(password)
            user = User(username=username, display_name=f"{name}（专家）", password_hash=password_hash)
            db.session.add(user)
            db.session.flush()
            db.session.add(RoleGrant(user_id=user.id, role_code="expert"))
            counts["users"] += 1
        id_number = f"41010519{70 + int(number)}0101{int(number):03d}X"
        firm = firms.get(employer)
        _get_or_add(Expert, {"id_number_hash": hash_id_number(id_number)}, {
            "name": name, "id_number_masked": mask_id_number(id_number), "specialties": specialties,
            "title": title, "certificates": f"豫专家证 {2020 + int(number) % 5}-{number}",
            "employer_enterprise_id": firm.id if firm else None,
            "employer_name": firm.name if firm else employer, "user_id": user.id,
            "phone": f"1390371{int(number):04d}"}, counts, "experts")


def _works_and_devices(projects, counts: Counter) -> None:
    categories = {c.code: c for c in db.session.scalars(select(HazardousCategory))}
    works = {}
    for project_code, code, name, cat, params, scope, sub in HAZARDOUS_WORKS:
        category = categories[cat]
        _, super_scale = classify(category.hazardous_rule, category.super_scale_rule, params)
        works[(project_code, code)] = _get_or_add(
            HazardousWork, {"project_id": projects[project_code].id, "code": code},
            {"name": name, "category_id": category.id, "parameters": params, "scope": scope,
             "subcontractor": sub, "super_scale": super_scale.met, "super_scale_reason": super_scale.reason,
             "status": "registered"}, counts, "hazardous_works")
    devices = {}
    for project_code, code, dtype, name, work_code in DEVICES:
        work = works.get((project_code, work_code))
        devices[code] = _get_or_add(Device, {"code": code}, {"device_type": dtype, "name": name,
                                                             "project_id": projects[project_code].id,
                                                             "hazardous_work_id": work.id if work else None},
                                    counts, "devices")
    for code, name, trade, certificate, valid_until in DEVICE_OPERATORS:
        _get_or_add(DeviceOperator, {"device_id": devices[code].id, "certificate_no": certificate},
                    {"name": name, "trade": trade, "certificate_valid_until": date.fromisoformat(valid_until)},
                    counts, "device_operators")


def load_demo(password: str) -> dict[str, int]:
    """Load what is missing of the demo set; returns how many rows of each kind were added."""
    counts: Counter = Counter()
    with transaction():
        counts["categories"] += load_default_categories()
        db.session.flush()
        units = _org_units(counts)
        firms = _enterprises(counts)
        projects = _projects(units, firms, counts)
        _users(password, units, firms, projects, counts)
        _experts(password, firms, counts)
        _works_and_devices(projects, counts)
    seed_notices(counts)  # after the commit: issues and renders the demo notices
    counts.update(seed_lifecycle())  # after the commit: hazardous works walked through their processes
    counts.update(seed_orders())  # after the commit: clauses, an order, a clue, an urging item
    counts.update(seed_quality())  # after the commit: agencies, samples, reports, a handling case
    counts.update(seed_concrete())  # producers, deliveries, strength tests, a handling case
    counts.update(seed_education())  # after the commit: a site roster, sessions, a reminder
    counts.update(seed_site_records())  # supervision logs and records in every review state, reminders
    counts.update(seed_assessment())  # the assessment points, this month's and last month's results
    return dict(counts)
