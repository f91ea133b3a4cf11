"""The project's education ledger (教育培训台账): every worker on site with the entry levels he
has passed, the workers who have not passed all three (listed for the PM and the officials), the
sessions' pass rates, and the whole as an xlsx workbook."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.infra import wallclock
from app.infra.xlsx import workbook
from app.models import EDUCATION_KINDS, ENTRY_LEVELS, EducationAttendance, EducationSession, Project
from app.services.access.actors import Actor
from app.services.access.scoping import visible_project
from app.services.safety_education import roster, sessions

RECENT_DAYS = 30


def _passed_levels(project: Project) -> dict[int, set[str]]:
    """worker id → the entry levels he passed on this project."""
    rows = db.session.execute(select(EducationAttendance.worker_id, EducationSession.kind)
                              .join(EducationSession, EducationSession.id == EducationAttendance.session_id)
                              .where(EducationSession.project_id == project.id, EducationAttendance.passed,
                                     EducationSession.kind.in_(ENTRY_LEVELS))).all()
    passed: dict[int, set[str]] = {}
    for worker_id, kind in rows:
        passed.setdefault(worker_id, set()).add(kind)
    return passed


def project_ledger(actor: Actor, project_code: str) -> dict[str, Any]:
    """The ledger of one visible project. Raises NotFoundError(`project_not_found`)."""
    project = visible_project(actor, code=project_code)
    passed = _passed_levels(project)
    workers = []
    for worker in roster.on_site(project):
        missing = [level for level in ENTRY_LEVELS if level not in passed.get(worker.id, set())]
        workers.append({**roster.worker_dict(worker), "missing": missing,
                        "missing_labels": [EDUCATION_KINDS[m] for m in missing], "educated": not missing})
    held = list(db.session.scalars(select(EducationSession).where(EducationSession.project_id == project.id)
                                   .order_by(EducationSession.held_on.desc(), EducationSession.id.desc())))
    since = wallclock.local_today() - timedelta(days=RECENT_DAYS)
    examined = [a for s in held for a in s.attendance if a.score is not None]
    return {
        "project_code": project.code, "project_name": project.name,
        "workers_on_site": len(workers), "educated": sum(w["educated"] for w in workers),
        "not_educated": [w for w in workers if not w["educated"]], "workers": workers,
        "sessions": [sessions.session_dict(s) for s in held],
        "sessions_recent": sum(s.held_on >= since for s in held),
        "last_held_on": held[0].held_on if held else None,
        "pass_rate": round(sum(a.passed for a in examined) / len(examined), 4) if examined else None,
        "may_keep": roster.may_keep(actor, project),
    }


SESSION_COLUMNS = [("held_on", "培训日期"), ("kind_label", "类别"), ("topic", "主题"), ("trainer", "授课人"),
                   ("hours", "学时"), ("attendees", "参加人数"), ("passed", "合格人数"), ("pass_rate", "合格率")]
WORKER_COLUMNS = [("name", "姓名"), ("id_card", "身份证号"), ("trade", "工种"), ("team", "班组"),
                  ("entered_on", "进场日期"), ("missing_text", "未完成的教育")]


def ledger_workbook(actor: Actor, project_code: str) -> bytes:
    """The ledger as xlsx bytes: the sessions and the workers without all three entry levels."""
    ledger = project_ledger(actor, project_code)
    missing = [{**w, "missing_text": "、".join(w["missing_labels"])} for w in ledger["not_educated"]]
    return workbook([("教育培训记录", ledger["sessions"], SESSION_COLUMNS),
                     ("未完成三级教育人员", missing, WORKER_COLUMNS)])
