"""Shapes of safety education: the roster, sessions with their results, the project ledger."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

TEXT = validate.Length(min=1, max=100)


class WorkerBodySchema(Schema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=50))
    id_card_no = fields.Str(required=True, validate=validate.Length(equal=18))
    trade = fields.Str(required=True, validate=validate.Length(min=1, max=32))
    team = fields.Str(required=True, validate=TEXT)
    entered_on = fields.Date(required=True)


class WorkerSchema(Schema):
    id = fields.Int()
    name = fields.Str()
    id_card = fields.Str(metadata={"description": "ID card number, masked"})
    trade = fields.Str()
    team = fields.Str()
    entered_on = fields.Date()
    left_on = fields.Date(allow_none=True)


class LeaveBodySchema(Schema):
    left_on = fields.Date(load_default=None, allow_none=True)


class AttendeeBodySchema(Schema):
    worker_id = fields.Int(required=True)
    score = fields.Int(load_default=None, allow_none=True, validate=validate.Range(0, 100),
                       metadata={"description": "exam score; leave out when there was no exam"})


class SessionBodySchema(Schema):
    kind = fields.Str(required=True, validate=validate.OneOf(["company", "project", "team", "pre_shift", "special"]))
    held_on = fields.Date(required=True)
    topic = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    trainer = fields.Str(required=True, validate=validate.Length(min=1, max=50))
    hours = fields.Int(required=True, validate=validate.Range(1, 100))
    content = fields.Str(load_default="", validate=validate.Length(max=2000))
    attendees = fields.List(fields.Nested(AttendeeBodySchema), required=True, validate=validate.Length(min=1, max=500))


class SessionSchema(Schema):
    id = fields.Int()
    project_code = fields.Str()
    project_name = fields.Str()
    kind = fields.Str()
    kind_label = fields.Str()
    held_on = fields.Date()
    topic = fields.Str()
    trainer = fields.Str()
    hours = fields.Int()
    attendees = fields.Int()
    passed = fields.Int()
    pass_rate = fields.Float(allow_none=True)
    recorded_by = fields.Str()


class ResultSchema(Schema):
    worker_id = fields.Int()
    name = fields.Str()
    trade = fields.Str()
    team = fields.Str()
    score = fields.Int(allow_none=True)
    passed = fields.Bool()


class SessionDetailSchema(SessionSchema):
    content = fields.Str()
    results = fields.List(fields.Nested(ResultSchema))


class LedgerWorkerSchema(WorkerSchema):
    missing = fields.List(fields.Str())
    missing_labels = fields.List(fields.Str())
    educated = fields.Bool()


class LedgerSchema(Schema):
    project_code = fields.Str()
    project_name = fields.Str()
    workers_on_site = fields.Int()
    educated = fields.Int()
    not_educated = fields.List(fields.Nested(LedgerWorkerSchema))
    workers = fields.List(fields.Nested(LedgerWorkerSchema))
    sessions = fields.List(fields.Nested(SessionSchema))
    sessions_recent = fields.Int()
    last_held_on = fields.Date(allow_none=True)
    pass_rate = fields.Float(allow_none=True)
    may_keep = fields.Bool()


class EducationQuerySchema(Schema):
    project = fields.Str(load_default=None)
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Int(load_default=0, validate=validate.Range(min=0))
