"""Education and training sessions (教育培训记录) of a project: kind, date, topic, trainer, class
hours, and every attendee of the roster with his exam result (pass mark 60; a session without an
exam counts attendance as passed)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.domain.body_fields import Fields
from app.errors import NotFoundError
from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import EDUCATION_KINDS, PASS_MARK, EducationAttendance, EducationSession, SiteWorker
from app.services.access.actors import Actor
from app.services.access.permissions import require_project_role
from app.services.access.scoping import in_visible_projects, visible_project
from app.services.safety_education.roster import KEEPERS

MAX_ATTENDEES = 500
BODY_FIELDS = {"kind", "held_on", "topic", "trainer", "hours", "content", "attendees"}


def _attendees(f: Fields, project_id: int) -> list[tuple[SiteWorker, int | None]]:
    raw = f.data.get("attendees")
    if not isinstance(raw, list) or not raw:
        f.fail("attendees", "请至少登记一名参加人员。")
        return []
    if len(raw) > MAX_ATTENDEES:
        f.fail("attendees", f"一次最多登记 {MAX_ATTENDEES} 人。")
        return []
    ids = [a.get("worker_id") if isinstance(a, dict) else None for a in raw]
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids) or len(set(ids)) != len(ids):
        f.fail("attendees", "每位参加人员须是花名册中的人员，且不能重复。")
        return []
    found = {w.id: w for w in db.session.scalars(select(SiteWorker).where(
        SiteWorker.id.in_(ids), SiteWorker.project_id == project_id))}
    unknown = [i for i in ids if i not in found]
    if unknown:  # another project's worker is as unknown as a made-up id
        f.fail("attendees", f"有 {len(unknown)} 名人员不在本项目花名册中。")
        return []
    chosen = []
    for i, entry in enumerate(raw):
        score = entry.get("score")
        if score is not None and (not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 100):
            f.fail(f"attendees.{i}.score", "考试成绩应为 0 到 100 的整数。")
        chosen.append((found[entry["worker_id"]], score))
    return chosen


def _read(data: Any, project_id: int) -> tuple[dict[str, Any], list[tuple[SiteWorker, int | None]]]:
    f = Fields(data)
    kind = f.data.get("kind")
    if kind not in EDUCATION_KINDS:
        f.fail("kind", f"应为以下之一：{'、'.join(EDUCATION_KINDS.values())}。")
    values = {"kind": kind, "held_on": f.day("held_on"), "topic": f.text("topic", 200),
              "trainer": f.text("trainer", 50), "content": f.text("content", 2000, required=False) or ""}
    if values["held_on"] and values["held_on"] > wallclock.local_today():
        f.fail("held_on", "培训日期不能晚于今天。")
    hours = f.data.get("hours")
    if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= 100:
        f.fail("hours", "学时应为 1 到 100 的整数。")
    values["hours"] = hours
    f.only(BODY_FIELDS, "培训记录")
    attendees = _attendees(f, project_id)
    f.done()
    return values, attendees


def record_session(actor: Actor, project_code: str, data: Any) -> int:
    """Record a session held on the project with its attendees' results; returns its id.
    Raises NotFoundError (project), PermissionDeniedError (not its PM or safety officer),
    ValidationError (fields named; attendees must be on this project's roster)."""
    with transaction(actor):
        project = visible_project(actor, code=project_code)
        require_project_role(actor, project, *KEEPERS)
        values, attendees = _read(data, project.id)
        session = EducationSession(project_id=project.id, recorded_by=actor.username, **values)
        session.attendance = [EducationAttendance(worker_id=w.id, score=score,
                                                  passed=score is None or score >= PASS_MARK)
                              for w, score in attendees]
        db.session.add(session)
        db.session.flush()
        return session.id


def pass_rate(session: EducationSession) -> float | None:
    """Share of the examined attendees who passed (None when nobody sat an exam)."""
    examined = [a for a in session.attendance if a.score is not None]
    return round(sum(a.passed for a in examined) / len(examined), 4) if examined else None


def session_dict(session: EducationSession) -> dict[str, Any]:
    return {"id": session.id, "project_code": session.project.code, "project_name": session.project.name,
            "kind": session.kind, "kind_label": EDUCATION_KINDS[session.kind], "held_on": session.held_on,
            "topic": session.topic, "trainer": session.trainer, "hours": session.hours,
            "attendees": len(session.attendance), "passed": sum(a.passed for a in session.attendance),
            "pass_rate": pass_rate(session), "recorded_by": session.recorded_by}


def list_sessions(actor: Actor, project_code: str | None = None, *, limit: int = 50,
                  offset: int = 0) -> list[dict[str, Any]]:
    """Sessions of the visible projects (or of one), newest first. Raises NotFoundError for an
    invisible project."""
    stmt = in_visible_projects(actor, EducationSession, project_code).order_by(
        EducationSession.held_on.desc(), EducationSession.id.desc()).limit(limit).offset(offset)
    return [session_dict(s) for s in db.session.scalars(stmt)]


def count_sessions(actor: Actor, project_code: str | None = None) -> int:
    """How many sessions list_sessions pages through."""
    stmt = in_visible_projects(actor, EducationSession, project_code)
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def get_session(actor: Actor, session_id: int) -> dict[str, Any]:
    """One session with every attendee's result. Raises NotFoundError(`education_session_not_found`)."""
    session = db.session.scalar(in_visible_projects(actor, EducationSession)
                                .where(EducationSession.id == session_id))
    if session is None:
        raise NotFoundError("没有找到该培训记录。", code="education_session_not_found")
    return {**session_dict(session), "content": session.content, "results": [
        {"worker_id": a.worker_id, "name": a.worker.name, "trade": a.worker.trade, "team": a.worker.team,
         "score": a.score, "passed": a.passed} for a in session.attendance]}
