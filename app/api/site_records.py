"""Supervising engineers' records (监理日常监管): the project's supervisors write logs,
side-station and parallel inspection records; the chief supervisor approves or returns them;
everyone who sees the project reads them and exports them to Excel."""
from __future__ import annotations

from flask import request

from app.api import bp
from app.api.attachments import send_stored
from app.api.auth import api_actor
from app.api.envelope import ok
from app.api.openapi import doc
from app.http_downloads import XLSX, xlsx_file
from app.schemas.site_records import (
    ExportQuerySchema,
    LogBodySchema,
    ParallelInspectionBodySchema,
    RecordBodySchema,
    RecordDetailSchema,
    RecordFileSchema,
    RecordIdSchema,
    RecordQuerySchema,
    RecordSchema,
    ReminderQuerySchema,
    ReminderSchema,
    ReviewBodySchema,
    ReviewOutcomeSchema,
    SideStationBodySchema,
)
from app.services.site_records import attachments, export, records, reminders, review


def _write(code: str, kind: str):
    return ok({"id": records.write_record(api_actor(), code, kind, request.get_json(silent=True))}, status=201)


@bp.post("/projects/<code>/supervision-logs")
@doc(body=LogBodySchema, response=RecordIdSchema, status=201)
def write_supervision_log(code: str):
    """A daily supervision log (监理日志), submitted for the chief supervisor's review."""
    return _write(code, "log")


@bp.post("/projects/<code>/side-station-records")
@doc(body=SideStationBodySchema, response=RecordIdSchema, status=201)
def write_side_station_record(code: str):
    """A side-station record (旁站记录) of a key process."""
    return _write(code, "side_station")


@bp.post("/projects/<code>/parallel-inspections")
@doc(body=ParallelInspectionBodySchema, response=RecordIdSchema, status=201)
def write_parallel_inspection(code: str):
    """A parallel inspection record (平行检验记录)."""
    return _write(code, "parallel_inspection")


@bp.get("/supervision-records")
@doc(query=RecordQuerySchema, response=RecordSchema, many=True)
def list_supervision_records():
    args, actor = RecordQuerySchema().load(request.args), api_actor()
    which = (args.get("project"), args.get("kind"), args.get("status"))
    rows = records.list_records(actor, *which, limit=args["limit"], offset=args["offset"])
    return ok(RecordSchema(many=True).dump(rows), {"total": records.count_records(actor, *which)})


@bp.get("/supervision-records/export")
@doc(query=ExportQuerySchema, file=XLSX)
def export_supervision_records():
    """The visible records (or one project's) as an xlsx workbook, a sheet per kind."""
    project = ExportQuerySchema().load(request.args).get("project")
    content = export.records_workbook(api_actor(), project)
    return xlsx_file(content, f"supervision-records-{project or 'all'}.xlsx")


@bp.get("/supervision-records/<int:record_id>")
@doc(response=RecordDetailSchema)
def get_supervision_record(record_id: int):
    return ok(RecordDetailSchema().dump(records.get_record(api_actor(), record_id)))


@bp.put("/supervision-records/<int:record_id>")
@doc(body=RecordBodySchema, response=RecordIdSchema)
def revise_supervision_record(record_id: int):
    """The author rewrites a returned record (the whole body of its kind) and submits it again."""
    return ok({"id": records.revise_record(api_actor(), record_id, request.get_json(silent=True))})


@bp.post("/supervision-records/<int:record_id>/review")
@doc(body=ReviewBodySchema, response=ReviewOutcomeSchema)
def review_supervision_record(record_id: int):
    """The chief supervisor approves (the PDF is issued) or returns a submitted record with a reason."""
    return ok(ReviewOutcomeSchema().dump(review.review_record(api_actor(), record_id, request.get_json(silent=True))))


@bp.post("/supervision-records/<int:record_id>/files")
@doc(upload=("file",), status=201, response=RecordFileSchema)
def attach_supervision_record_file(record_id: int):
    """The writer attaches a file (PDF or image, checked by content, at most 10 MB) to his log or
    side-station record before it is approved."""
    return ok(RecordFileSchema().dump(attachments.attach_file(api_actor(), record_id, request.files.get("file"))),
              status=201)


@bp.get("/supervision-records/<int:record_id>/files/<int:file_id>")
@doc(file="*/*")
def download_supervision_record_file(record_id: int, file_id: int):
    """A file of a record, for whoever sees the record's project (audited)."""
    return send_stored(attachments.open_file(api_actor(), record_id, file_id))


@bp.get("/supervision-log-reminders")
@doc(query=ReminderQuerySchema, response=ReminderSchema, many=True)
def list_supervision_log_reminders():
    """Missing-log warning reminders of the visible projects, a page of them (meta.total)."""
    args, actor = ReminderQuerySchema().load(request.args), api_actor()
    rows = reminders.list_reminders(actor, args.get("project"), limit=args["limit"], offset=args["offset"])
    return ok(ReminderSchema(many=True).dump(rows), {"total": reminders.count_reminders(actor, args.get("project"))})
