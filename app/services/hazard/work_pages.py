"""Read models of the hazardous-work pages: the registration form (categories and the parameters
that decide the thresholds), the work page (status, cases with history, notices, attachments,
who holds each open step, which processes may start) and starting a process from it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.domain.super_scale import split_terms
from app.domain.vocabulary import PARAMETER, metric_with_unit
from app.errors import PermissionDeniedError
from app.extensions import db
from app.models import HazardousCategory, InboxTask, Project, User
from app.services.access import scoping
from app.services.access.actors import Actor
from app.services.definitions import deployments
from app.services.hazard import work_cases, works
from app.services.hazard.start_rules import RULES, STATUS_LABELS
from app.services.workflow import case_steps as rt

REGISTRANT_ROLES = frozenset({"owner_rep", "contractor_pm"})
# Chinese labels of the parameters named in the category rules, with their units.
PARAMETER_LABELS = {code: metric_with_unit(code) for code in PARAMETER}


@dataclass(frozen=True)
class CategoryChoice:
    code: str
    name: str
    parameters: list[str]          # numeric parameters of both rules, in rule order
    hazardous_prose: list[str]     # criteria the registrant must judge (hazardous_declared)
    super_scale_prose: list[str]   # criteria the registrant must judge (super_scale_declared)
    hazardous_rule: str
    super_scale_rule: str


def _choice(category: HazardousCategory) -> CategoryChoice:
    h_terms, h_prose = split_terms(category.hazardous_rule or "")
    s_terms, s_prose = split_terms(category.super_scale_rule or "")
    names = list(dict.fromkeys(name for name, _, _ in h_terms + s_terms))
    keep = lambda prose: [p for p in prose if p not in ("always", "never")]  # noqa: E731
    return CategoryChoice(category.code, category.name_zh, names, keep(h_prose), keep(s_prose),
                          category.hazardous_rule, category.super_scale_rule)


def registration_form(actor: Actor, project_code: str) -> dict[str, Any]:
    """What the registration page needs: the project, active categories and parameter labels.

    Raises NotFoundError(`project_not_found`), PermissionDeniedError(`work_register_role`).
    """
    project = scoping.visible_project(actor, code=project_code)
    if not (actor.roles_on_project(project.id) & REGISTRANT_ROLES):
        raise PermissionDeniedError("只有该项目的建设单位代表或施工项目经理可以登记危大工程。",
                                    code="work_register_role")
    categories = db.session.scalars(select(HazardousCategory).where(HazardousCategory.active.is_(True))
                                    .order_by(HazardousCategory.code))
    choices = [_choice(c) for c in categories]
    used = list(dict.fromkeys(p for c in choices for p in c.parameters))
    return {"project": project, "categories": choices,
            "parameters": [(name, PARAMETER_LABELS.get(name, name)) for name in used]}


def can_register(actor: Actor, project: Project) -> bool:
    return bool(actor.roles_on_project(project.id) & REGISTRANT_ROLES)


def _user_names(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _open_tasks(instance_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = list(db.session.scalars(select(InboxTask).where(
        InboxTask.instance_id.in_(instance_ids), InboxTask.status == "open").order_by(InboxTask.id))) \
        if instance_ids else []
    users = _user_names({r.candidate_user_id or r.assignee_id for r in rows} - {None})
    out: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        holder = users.get(r.candidate_user_id or r.assignee_id or 0)
        out.setdefault(r.instance_id, []).append({
            "id": r.id, "title": r.title, "role": r.role, "due_at": r.due_at,
            "holder": holder.display_name if holder else None,
            "holder_username": holder.username if holder else None})
    return out


def startable(actor: Actor, work: Any) -> list[tuple[str, str]]:
    """(process key, label) of the work processes this actor may start now (the start rules)."""
    roles = actor.roles_on_project(work.project_id)
    titles = deployments.latest_titles()  # the process names of the newest diagrams
    return [(key, titles.get(key, key)) for key, rule in RULES.items()
            if work.status in rule.statuses and roles & rule.roles]


def work_page(actor: Actor, work_id: int) -> dict[str, Any]:
    """The hazardous-work page. Raises NotFoundError(`hazardous_work_not_found`)."""
    work = works.get_work(actor, work_id)
    file = work_cases.work_file(actor, work_id)
    tasks = _open_tasks([c["id"] for c in file["cases"]])
    cases = [{**c, "open_tasks": tasks.get(c["id"], []),
              "documents": [{**d, **_download_urls(d["id"], d["status"])} for d in c["documents"]]}
             for c in reversed(file["cases"])]  # newest first
    return {"work": work, "status_label": STATUS_LABELS.get(work.status, work.status),
            "parameters": [(PARAMETER_LABELS.get(k, k), v) for k, v in (work.parameters or {}).items()],
            "cases": cases, "startable": startable(actor, work),
            "documents": [d for c in cases for d in c["documents"]]}


def start_from_work(actor: Actor, work_id: int, process_key: str) -> tuple[int, int | None]:
    """Start `process_key` on the work; returns (case id, the actor's first open task or None).

    Raises what hazard_cases.start_work_case raises.
    """
    instance_id = work_cases.start_work_case(actor, process_key, work_id)
    rows = db.session.scalars(select(InboxTask).where(
        InboxTask.instance_id == instance_id, InboxTask.status == "open").order_by(InboxTask.id))
    mine = next((r.id for r in rows if rt.is_candidate(actor, r)), None)
    return instance_id, mine


def _download_urls(document_id: int, status: str) -> dict[str, str | None]:
    rendered = status == "rendered"
    return {"pdf_url": f"/api/v1/documents/{document_id}/pdf" if rendered else None,
            "docx_url": f"/api/v1/documents/{document_id}/docx" if rendered else None}
