"""Safety education (安全教育): the site roster, education sessions with exam results, the
project's education ledger and its xlsx export."""
from __future__ import annotations

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok
from app.api.openapi import doc
from app.http_downloads import XLSX, xlsx_file
from app.schemas.quality import CreatedSchema
from app.schemas.safety_education import (
    EducationQuerySchema,
    LeaveBodySchema,
    LedgerSchema,
    LedgerWorkerSchema,
    SessionBodySchema,
    SessionDetailSchema,
    SessionSchema,
    WorkerBodySchema,
)
from app.services.safety_education import ledger, roster, sessions


def _body():
    return request.get_json(silent=True)


@bp.get("/projects/<code>/workers")
@doc(response=LedgerWorkerSchema, many=True)
def list_site_workers(code: str):
    """The workers on the project's site (ID card numbers masked) and the entry levels each still lacks."""
    return ok(LedgerWorkerSchema(many=True).dump(ledger.project_ledger(api_actor(), code)["workers"]))


@bp.post("/projects/<code>/workers")
@doc(body=WorkerBodySchema, response=CreatedSchema, status=201)
def add_site_worker(code: str):
    """Put a worker on the roster (the project's PM or safety officer)."""
    return ok({"id": roster.add_worker(api_actor(), code, _body())}, status=201)


@bp.post("/workers/<int:worker_id>/leave")
@doc(body=LeaveBodySchema, response=CreatedSchema)
def site_worker_leaves(worker_id: int):
    """Record that a worker left the site (today unless `left_on` is given)."""
    body = LeaveBodySchema().load(_body() or {})
    roster.mark_left(api_actor(), worker_id, body["left_on"])
    return ok({"id": worker_id})


@bp.get("/education-sessions")
@doc(query=EducationQuerySchema, response=SessionSchema, many=True)
def list_education_sessions():
    """Education sessions of the visible projects (or of `project`), newest first."""
    args = EducationQuerySchema().load(request.args)
    actor = api_actor()
    rows = sessions.list_sessions(actor, args["project"], limit=args["limit"], offset=args["offset"])
    return ok(SessionSchema(many=True).dump(rows), {"total": sessions.count_sessions(actor, args["project"])})


@bp.post("/projects/<code>/education-sessions")
@doc(body=SessionBodySchema, response=CreatedSchema, status=201)
def record_education_session(code: str):
    """Record a session with every attendee's exam result (the project's PM or safety officer)."""
    return ok({"id": sessions.record_session(api_actor(), code, _body())}, status=201)


@bp.get("/education-sessions/<int:session_id>")
@doc(response=SessionDetailSchema)
def get_education_session(session_id: int):
    return ok(SessionDetailSchema().dump(sessions.get_session(api_actor(), session_id)))


@bp.get("/projects/<code>/education")
@doc(response=LedgerSchema)
def project_education_ledger(code: str):
    """The project's education ledger: who has not passed all three entry levels, pass rates."""
    return ok(LedgerSchema().dump(ledger.project_ledger(api_actor(), code)))


@bp.get("/projects/<code>/education/export")
@doc(file=XLSX)
def project_education_export(code: str):
    """The ledger as one xlsx workbook (sessions; workers without the three entry levels)."""
    return xlsx_file(ledger.ledger_workbook(api_actor(), code), f"education-{code}.xlsx")
