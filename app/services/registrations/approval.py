"""What an approval does: write the enterprise (keeping its change history) or activate the
registered project with its participants and accounts. Called by the registration operators
inside the approving official's transaction.

Generated initial passwords are never stored in clear: `activate_project` returns them to its
operator, which hands them back to the submitting use case (shown once in its result); the
database keeps only the argon2 hash, and the timeline records who got an account, not the
password.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.infra import wallclock
from app.models import (
    Enterprise,
    EnterpriseChange,
    EnterpriseProfile,
    OrgUnit,
    Project,
    ProjectParticipant,
    ProjectRegistration,
    RoleGrant,
    User,
)
from app.services.access import account_care as accounts
from app.services.access.passwords import hash_password
from app.services.registrations.rules import ENTERPRISE_FIELDS, enterprise_by_code


@dataclass(frozen=True)
class Activation:
    """What activating a registered project did."""

    project_id: int
    project_code: str
    accounts: list[dict[str, Any]]  # [{username, role, created}]: what the timeline may keep
    # [{username, initial_password, role, display_name}] of the accounts created: never stored
    credentials: list[dict[str, Any]]


def enterprise_snapshot(enterprise: Enterprise | None) -> dict[str, Any] | None:
    """The reviewed information of an enterprise, with the field names of the forms."""
    if enterprise is None:
        return None
    profile = db.session.scalar(select(EnterpriseProfile).where(EnterpriseProfile.enterprise_id == enterprise.id))
    return {"enterprise_name": enterprise.name, "credit_code": enterprise.credit_code,
            "enterprise_type": enterprise.type, "legal_person": enterprise.legal_person,
            "registered_address": enterprise.address, "phone": enterprise.phone,
            "licence_no": profile.licence_no if profile else None,
            "licence_files": list(profile.licence_files or []) if profile else [],
            "qualifications": list(profile.qualifications or []) if profile else [],
            "people": list(profile.people or []) if profile else []}


def apply_enterprise(instance_id: int, approver: str, data: dict[str, Any]) -> int:
    """Create or update the enterprise from an approved submission; record the change. Returns its id."""
    enterprise = db.session.get(Enterprise, data["enterprise_id"]) if data.get("enterprise_id") else None
    before = enterprise_snapshot(enterprise)
    if enterprise is None:
        enterprise = Enterprise(status="active")
        db.session.add(enterprise)
    after = {name: data.get(name) for name in ENTERPRISE_FIELDS}
    after["credit_code"] = str(after["credit_code"]).upper()
    enterprise.name, enterprise.credit_code, enterprise.type = after["enterprise_name"], after["credit_code"], after["enterprise_type"]
    enterprise.legal_person, enterprise.address, enterprise.phone = after["legal_person"], after["registered_address"], after["phone"]
    db.session.flush()
    profile = db.session.scalar(select(EnterpriseProfile).where(EnterpriseProfile.enterprise_id == enterprise.id)) \
        or EnterpriseProfile(enterprise_id=enterprise.id)
    profile.licence_no, profile.licence_files = after["licence_no"], after["licence_files"] or []
    profile.qualifications, profile.people = after["qualifications"] or [], after["people"] or []
    profile.updated_at = wallclock.now()
    db.session.add(profile)
    submitter = db.session.get(User, data["submitter_user_id"])
    if submitter is not None and submitter.enterprise_id is None:
        submitter.enterprise_id = enterprise.id  # a first submission: the submitter now belongs to it
    db.session.add(EnterpriseChange(
        enterprise_id=enterprise.id, instance_id=instance_id, kind="change" if before else "first",
        before=before, after=after, change_reason=data.get("change_reason") or None,
        submitted_by=submitter.username if submitter else None, approved_by=approver, approved_at=wallclock.now()))
    return enterprise.id


def activate_project(instance_id: int, approver: str, data: dict[str, Any]) -> Activation:
    """Create (or complete) the project, make it active, record participants, registration and
    accounts. Returns the accounts and the initial passwords of those it created."""
    project = _project(data)
    for p in data["participants"]:
        enterprise = enterprise_by_code(p["credit_code"])
        db.session.add(ProjectParticipant(
            project_id=project.id, enterprise_id=enterprise.id, party_type=p["party_type"],
            responsible_person=p["responsible_person"], responsible_phone=p["responsible_phone"]))
    db.session.add(ProjectRegistration(
        project_id=project.id, instance_id=instance_id, contract=data["contract"], unit_works=data["unit_works"],
        supervision={"safety": bool(data.get("safety_supervision", True)),
                     "quality": bool(data.get("quality_supervision", True)),
                     "image_progress": data.get("image_progress") or "",
                     "files": data.get("registration_files") or []},
        submitted_by=data.get("submitter"), approved_by=approver, approved_at=wallclock.now()))
    parties = {p["party_type"]: enterprise_by_code(p["credit_code"]) for p in reversed(data["participants"])}
    accounts, credentials = [], []
    for account in data.get("accounts") or []:
        granted, credential = _account(project, parties[account["party_type"]], account)
        accounts.append(granted)
        if credential is not None:
            credentials.append(credential)
    _grant(db.session.get(User, data["submitter_user_id"]), "owner_rep", project)
    return Activation(project.id, project.code, accounts, credentials)


def _project(data: dict[str, Any]) -> Project:
    project = db.session.scalar(select(Project).where(Project.code == data["project_code"]))
    if project is None:
        project = Project(code=data["project_code"], district_id=data["district_id"])
        db.session.add(project)
    project.name, project.address, project.permit_no = data["project_name"], data["project_address"], data["permit_no"]
    project.planned_start = _date(data["contract"].get("start_date"))
    project.planned_end = _date(data["contract"].get("end_date"))
    project.status = "active"
    db.session.flush()
    district = db.session.get(OrgUnit, project.district_id)
    project.supervision_no = project.supervision_no or f"{district.code}-{wallclock.now().year}-{project.id:04d}"
    return project


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _account(project: Project, enterprise: Enterprise,
             account: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """An existing user of the same enterprise gets the role only; otherwise a new account.
    Returns the grant and, for a new account, its initial password."""
    user = db.session.scalar(select(User).where(User.username == account["username"]))
    credential = None
    if user is None:
        password = accounts.generate_password()
        user = User(username=account["username"], display_name=account["display_name"],
                    phone=account.get("account_phone") or None, enterprise_id=enterprise.id,
                    password_hash=hash_password(password), password_change_required=True)
        db.session.add(user)
        db.session.flush()
        credential = {"username": user.username, "initial_password": password,
                      "role": account["role"], "display_name": user.display_name}
    _grant(user, account["role"], project)
    return {"username": user.username, "role": account["role"], "created": credential is not None}, credential


def _grant(user: User | None, role: str, project: Project) -> None:
    if user is None or db.session.scalar(select(RoleGrant.id).where(
            RoleGrant.user_id == user.id, RoleGrant.role_code == role, RoleGrant.project_id == project.id)):
        return
    db.session.add(RoleGrant(user_id=user.id, role_code=role, project_id=project.id))
