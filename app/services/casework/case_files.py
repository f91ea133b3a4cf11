"""Read models of the pages: case files (every case of a project or hazardous work, open and closed,
with its timeline), process overviews for designers and the diagram of a running instance."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import defer, joinedload

from app.errors import NotFoundError
from app.extensions import db
from app.models import (
    HazardousWork,
    InboxTask,
    InstanceEvent,
    ProcessDefinition,
    ProcessInstance,
    Project,
    User,
)
from app.services.access import people, scoping
from app.services.access.actors import Actor
from app.services.access.permissions import require_any_role
from app.services.access.projects import Page
from app.services.definitions import deployments, start_guards
from app.services.hazard import works as hazardous_works
from app.services.workflow import case_steps as rt
from app.services.workflow import case_visibility

FINISHED = ("completed", "cancelled")


@dataclass(frozen=True)
class CaseEntry:
    id: int
    process_key: str
    title: str | None
    status: str
    subject_type: str | None
    subject_id: int | None
    started_by: str | None
    started_at: datetime
    ended_at: datetime | None
    events: list[dict[str, Any]] = field(default_factory=list)
    started_by_name: str | None = None  # the starter's display name (started_by is his login)


@dataclass(frozen=True)
class CaseFile:
    project: Project
    work: HazardousWork | None
    works: list[HazardousWork]
    cases: list[CaseEntry]


def _entries(instances: list[ProcessInstance]) -> list[CaseEntry]:
    ids = [i.id for i in instances]
    events: dict[int, list[dict]] = {i: [] for i in ids}
    if ids:
        for e in db.session.scalars(select(InstanceEvent).where(InstanceEvent.instance_id.in_(ids))
                                    .order_by(InstanceEvent.at, InstanceEvent.id)):
            events[e.instance_id].append({"kind": e.kind, "title": e.title, "task_name": e.task_name,
                                          "username": e.username, "at": e.at, "data": e.data or {}})
    names = people.names_of([i.started_by for i in instances]
                            + [e["username"] for listed in events.values() for e in listed])
    for listed in events.values():
        for e in listed:
            e["person"] = names.get(e["username"], e["username"])
    return [CaseEntry(i.id, i.process_key, i.title, i.status, i.subject_type, i.subject_id, i.started_by,
                      i.started_at, i.ended_at, events[i.id], names.get(i.started_by, i.started_by))
            for i in instances]


def project_case_file(actor: Actor, project_code: str) -> CaseFile:
    """Every case of a visible project, newest first. Raises NotFoundError (`project_not_found`)."""
    project = scoping.visible_project(actor, code=project_code)
    instances = list(db.session.scalars(select(ProcessInstance).where(ProcessInstance.project_id == project.id)
                                        .order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())))
    works = hazardous_works.list_works(actor, project.code, limit=None).items
    return CaseFile(project, None, works, _entries(instances))


def work_case_file(actor: Actor, work_id: int) -> CaseFile:
    """Every case of one hazardous work. Raises NotFoundError (`hazardous_work_not_found`)."""
    work = hazardous_works.get_work(actor, work_id)
    instances = list(db.session.scalars(select(ProcessInstance).where(
        ProcessInstance.subject_type == "hazardous_work", ProcessInstance.subject_id == work.id)
        .order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())))
    return CaseFile(work.project, work, [], _entries(instances))


def startable_processes(actor: Actor) -> list[ProcessDefinition]:
    """Newest version of every process started by a person (message-started ones are left out)."""
    if not actor.roles or actor.roles <= {"expert"}:
        return []
    newest = select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v")) \
        .group_by(ProcessDefinition.key).subquery()
    rows = db.session.scalars(select(ProcessDefinition).join(
        newest, (newest.c.key == ProcessDefinition.key) & (newest.c.v == ProcessDefinition.version))
        .order_by(ProcessDefinition.key))
    return [d for d in rows if not d.message_starts and start_guards.offered_to(actor, d)]


def process_overview(actor: Actor) -> list[dict[str, Any]]:
    """Per process key: title, versions (newest first), running and finished case counts."""
    if not (actor.is_admin or actor.jurisdiction_paths):
        require_any_role(actor, "process_designer")
    counts = {k: (r or 0, f or 0) for k, r, f in db.session.execute(
        select(ProcessInstance.process_key,
               func.count(case((ProcessInstance.status.not_in(FINISHED), 1))),
               func.count(case((ProcessInstance.status.in_(FINISHED), 1))))
        .group_by(ProcessInstance.process_key))}
    out: dict[str, dict] = {}
    for d in db.session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.key,
                                                                  ProcessDefinition.version.desc())):
        entry = out.setdefault(d.key, {"key": d.key, "title": d.title, "versions": [],
                                       "running": counts.get(d.key, (0, 0))[0],
                                       "finished": counts.get(d.key, (0, 0))[1]})
        entry["versions"].append({"version": d.version, "deployed_by": d.deployed_by, "deployed_at": d.deployed_at})
    return list(out.values())


def definition_sources(actor: Actor, key: str, version: int | None = None) -> ProcessDefinition:
    """A deployed version (newest by default) with its files, for the modeler and form editor.

    Raises PermissionDeniedError (`role_required`), NotFoundError (`process_not_deployed`).
    """
    require_any_role(actor, "process_designer")
    definition = deployments.latest_definition(key, version)
    if definition is None:
        raise NotFoundError("流程未部署。", code="process_not_deployed")
    return definition


def instance_diagram(actor: Actor, instance_id: int) -> dict[str, Any]:
    """The BPMN text of a case's version, its open task ids, the task ids already done and who
    completed each of those and when (`steps`, in order).

    Raises NotFoundError (`case_not_found`) for a case the actor may not see.
    """
    instance = rt.visible_case(actor, instance_id)
    definition = instance.definition
    bpmn = definition.sources.get(f"{definition.key}.bpmn") or next(
        (t for n, t in definition.sources.items() if n.endswith(".bpmn")), "")
    rows = db.session.execute(select(InboxTask.task_name, InboxTask.status, InboxTask.completed_at, User.display_name)
                              .outerjoin(User, User.id == InboxTask.completed_by_id)
                              .where(InboxTask.instance_id == instance.id).order_by(InboxTask.id)).all()
    steps: dict[str, list[dict[str, str]]] = {}  # the path taken: who completed each step and when
    for name, status, completed_at, who in rows:
        if status == "completed" and completed_at is not None:
            steps.setdefault(name, []).append({"who": who or "", "when": completed_at.isoformat()})
    return {"bpmn": bpmn, "key": definition.key, "version": definition.version,
            "open": sorted({r.task_name for r in rows if r.status == "open"}),
            "done": sorted({r.task_name for r in rows if r.status == "completed"}), "steps": steps}



def case_page(actor: Actor, instance_id: int) -> dict[str, Any]:
    """Header, timeline and diagram of one case. Raises NotFoundError (`case_not_found`)."""
    from app.services.notices import reading
    from app.services.workflow import cases

    view = cases.get_case(actor, instance_id)
    instance = db.session.get(ProcessInstance, instance_id)
    return {"case": view, "history": cases.case_history(actor, instance_id),
            "diagram": instance_diagram(actor, instance_id), "can_manage": rt.can_manage(actor, instance),
            "documents": reading.instance_documents(actor, instance_id)}


START_PROJECTS_PAGE = 20  # projects found per page of the start page's search


def start_choices(actor: Actor, *, project_code: str | None = None, q: str | None = None,
                  limit: int = START_PROJECTS_PAGE, offset: int = 0) -> dict[str, Any]:
    """What the start page offers: the startable processes, the chosen project (visible to the
    actor) with every hazardous work of it, and a page of the visible projects matching `q` (by
    name or code, scoped as the project list) to choose one from. Raises NotFoundError
    (`project_not_found`) for a chosen project the actor may not see."""
    from app.services.access import projects

    chosen = scoping.visible_project(actor, code=project_code) if project_code else None
    works = list(db.session.scalars(select(HazardousWork).where(HazardousWork.project_id == chosen.id)
                                    .order_by(HazardousWork.code))) if chosen else []
    found = projects.list_projects(actor, q=q, limit=limit, offset=offset)
    return {"processes": startable_processes(actor), "project": chosen, "works": works,
            "projects": found.items, "projects_total": found.total}


def start_for_subject(actor: Actor, process_key: str, *, project_code: str | None, work_id: int | None,
                      title: str | None) -> int:
    """Start a process on a project, or on one of its hazardous works; returns the case id.

    Raises NotFoundError (an invisible work or project), ValidationError (`work_not_in_project`)
    and whatever cases.start_case raises.
    """
    from app.errors import ValidationError
    from app.services.workflow import cases

    data: dict[str, Any] = {}
    if work_id is not None:
        work = hazardous_works.get_work(actor, work_id)
        if project_code and work.project.code != project_code:
            raise ValidationError("该危大工程不属于所选项目。", code="work_not_in_project",
                                  fields={"work_id": ["该危大工程不属于所选项目。"]})
        project_code, data = work.project.code, {"work_id": work.id}
    return cases.start_case(actor, process_key, project_code=project_code,
                            subject_type="hazardous_work" if work_id else None, subject_id=work_id,
                            data=data, title=title)


DESIGNER_CASES_PAGE = 50  # cases per page of a process's designer page


@dataclass(frozen=True)
class DesignerCase:
    """A row of a process's designer page: the case by its title, its starter by his name."""
    id: int
    title: str | None
    process_key: str
    status: str
    version: int
    started_by_name: str | None  # None: started by the system (a timer, a device, a message)
    started_at: datetime


def instances_of(actor: Actor, key: str, *, limit: int = DESIGNER_CASES_PAGE, offset: int = 0) -> Page:
    """A page of the newest cases of a process key that the actor may see (process designers:
    all; officials: the rule of every case, `case_visibility.visible_cases`) and their total.

    Raises PermissionDeniedError (`role_required`).
    """
    require_any_role(actor, "process_designer", "city_official", "district_safety_officer",
                     "district_quality_officer", "district_leader")
    where = [ProcessInstance.process_key == key]
    if not actor.has_role("process_designer"):
        where.append(case_visibility.visible_cases(actor))
    total = db.session.scalar(select(func.count()).select_from(ProcessInstance).where(*where)) or 0
    rows = db.session.scalars(select(ProcessInstance).options(
        defer(ProcessInstance.state), joinedload(ProcessInstance.definition))
                              .where(*where).order_by(ProcessInstance.id.desc()).limit(limit).offset(offset)).all()
    names = people.names_of(i.started_by for i in rows)
    return Page([DesignerCase(i.id, i.title, i.process_key, i.status, i.definition.version,
                              names.get(i.started_by, i.started_by), i.started_at) for i in rows], total)
