"""Shapes of process definitions, instances, inbox tasks, messages and incidents."""
from datetime import UTC, datetime

from marshmallow import EXCLUDE, Schema, fields, validate

from app.services.workflow.inbox_queries import SCOPES, SORTS


class DefinitionSchema(Schema):
    id = fields.Int()
    key = fields.Str()
    version = fields.Int()
    title = fields.Str(allow_none=True)
    content_hash = fields.Str()
    deployed_by = fields.Str(allow_none=True)
    deployed_at = fields.DateTime()
    message_starts = fields.List(fields.Str())


class StartCaseSchema(Schema):
    process_key = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    project_code = fields.Str(load_default=None)
    subject_type = fields.Str(load_default=None, validate=validate.OneOf(["hazardous_work", "project", "device"]))
    subject_id = fields.Int(load_default=None)
    business_key = fields.Str(load_default=None, validate=validate.Length(max=100))
    title = fields.Str(load_default=None, validate=validate.Length(max=200))
    data = fields.Dict(load_default=dict)


class InboxTaskSchema(Schema):
    id = fields.Int()
    instance_id = fields.Int()
    task_name = fields.Str()
    title = fields.Str()
    process_key = fields.Str()
    role = fields.Str()
    project_id = fields.Int(allow_none=True)
    subject_type = fields.Str(allow_none=True)
    subject_id = fields.Int(allow_none=True)
    subject_title = fields.Str(allow_none=True)
    assignee_id = fields.Int(allow_none=True)
    candidate_user_id = fields.Int(allow_none=True)
    priority = fields.Int()
    due_at = fields.DateTime(allow_none=True)
    overdue = fields.Method("_overdue")
    form_name = fields.Str(allow_none=True)
    status = fields.Str()
    created_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)

    def _overdue(self, row):
        from app.services.workflow.inbox_queries import is_overdue

        return is_overdue(row)


# The API list's fields in the schema's order, as `inbox_queries.list_task_fields` reads them and
# dump_wire_rows writes them; a field of another kind than these fails here, at import.
_INBOX_KINDS = {name: "date" if isinstance(field, fields.DateTime) else "as is"
                if isinstance(field, fields.Str | fields.Int) else {"overdue": "overdue"}[name]
                for name, field in InboxTaskSchema._declared_fields.items()}
INBOX_FIELDS = tuple(_INBOX_KINDS)
_INBOX_DATES = tuple(name for name, kind in _INBOX_KINDS.items() if kind == "date")


def iso_utc(value) -> str | None:
    """A UTC date as the schema's DateTime field writes it (`datetime.isoformat()` of the aware
    value), from the driver's value: SQLite's stored text, 'YYYY-MM-DD HH:MM:SS[.ffffff]', cut
    and joined as text (six times quicker than parsing it and formatting it again; anything else
    goes the long way), PostgreSQL's aware datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) in (19, 26) and value[10] == " " and (len(value) == 19 or value[19] == "."):
            fraction = value[20:]
            return f"{value[:10]}T{value[11:19]}{'.' + fraction if fraction.strip('0') else ''}+00:00"
        value = datetime.fromisoformat(value)
    return (value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)).isoformat()


def dump_wire_rows(rows) -> list[dict]:
    """`InboxTaskSchema(many=True).dump` of `list_task_fields(..., INBOX_FIELDS)`'s rows: each a
    dict of the fields (the row's last value, the total, left out), dates through `iso_utc`."""
    out = []
    for row in rows:
        item = dict(zip(INBOX_FIELDS, row, strict=False))  # the total, last, left out
        for name in _INBOX_DATES:
            item[name] = iso_utc(item[name])
        item["overdue"] = bool(item["overdue"])
        out.append(item)
    return out


class SummaryFactSchema(Schema):
    """One fact of the case's subject (processes/<key>.summary.json): `value` is a text for
    kind `text`, a list of texts for `list`, a list of {id, filename, current} for `files`."""
    label = fields.Str(required=True)
    kind = fields.Str(required=True, validate=validate.OneOf(["text", "list", "files"]))
    value = fields.Raw(required=True)


class ReturnedSchema(Schema):
    reason = fields.Str(allow_none=True)
    by = fields.Str(allow_none=True)


class TaskFormSchema(Schema):
    schema = fields.Dict()
    ui = fields.Dict(allow_none=True)
    values = fields.Dict(metadata={"description": "the read-only fields' values"})
    previous = fields.Dict(metadata={"description": "the last submission of a form sent back (else empty)"})


class TaskDetailSchema(Schema):
    """A task with the summary of its case's subject, the return (when its form was sent back),
    its form and the case context."""
    task = fields.Nested(InboxTaskSchema)
    title = fields.Str(metadata={"description": "The task's title in the request's language (the process's "
                                                "English with ?lang=en; `task.title` is as stored)."})
    summary = fields.List(fields.Nested(SummaryFactSchema))
    returned = fields.Nested(ReturnedSchema, allow_none=True)
    form = fields.Nested(TaskFormSchema, allow_none=True)
    case = fields.Dict()
    comments = fields.List(fields.Dict())
    attachments = fields.List(fields.Dict())


class InboxQuerySchema(Schema):
    scope = fields.Str(load_default="all", validate=validate.OneOf(SCOPES))
    process = fields.Str(load_default=None)
    project = fields.Str(load_default=None)
    overdue = fields.Bool(load_default=False)
    due_before = fields.AwareDateTime(load_default=None)
    sort = fields.Str(load_default="due", validate=validate.OneOf(list(SORTS)))
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Int(load_default=0, validate=validate.Range(min=0))


class CompleteTaskSchema(Schema):
    data = fields.Dict(load_default=dict)


class AssignTaskSchema(Schema):
    user_id = fields.Int(required=True)


class CommentSchema(Schema):
    body = fields.Str(required=True, validate=validate.Length(min=1, max=4000))


class CancelSchema(Schema):
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=1000))


class MessageSchema(Schema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    correlation = fields.Dict(load_default=dict)
    payload = fields.Dict(load_default=dict)
    # 160: the service prefixes a user's keys with his id (receipt keys hold 200).
    idempotency_key = fields.Str(load_default=None, validate=validate.Length(min=1, max=160))


class IncidentQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE  # `lang` and any other argument the list reads no more than before

    status = fields.Str(load_default="open", validate=validate.OneOf(("open", "resolved")))
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Int(load_default=0, validate=validate.Range(min=0, max=2**31 - 1))


class IncidentSchema(Schema):
    id = fields.Int()
    instance_id = fields.Int()
    case_title = fields.Str(allow_none=True)
    code = fields.Str()
    message = fields.Str()
    element_id = fields.Str(allow_none=True)
    status = fields.Str()
    created_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)


class CaseTaskSchema(Schema):
    id = fields.Int()
    task_name = fields.Str()
    title = fields.Str(allow_none=True)
    role = fields.Str(allow_none=True)
    assignee_id = fields.Int(allow_none=True)
    candidate_user_id = fields.Int(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    form_name = fields.Str(allow_none=True)


class CaseEventSchema(Schema):
    id = fields.Int()
    kind = fields.Str()
    task_name = fields.Str(allow_none=True)
    title = fields.Str(allow_none=True)
    inbox_task_id = fields.Int(allow_none=True)
    user_id = fields.Int(allow_none=True)
    username = fields.Str(allow_none=True)
    person = fields.Str(allow_none=True, metadata={"description": "the actor's display name (his login when the account is gone)"})
    ip = fields.Str(allow_none=True)
    data = fields.Dict(allow_none=True)
    at = fields.DateTime()


class CaseSchema(Schema):
    """A case (process instance): its header, open tasks and timeline."""
    id = fields.Int()
    process_key = fields.Str()
    version = fields.Int()
    title = fields.Str(allow_none=True)
    status = fields.Str()
    project_code = fields.Str(allow_none=True)
    subject_type = fields.Str(allow_none=True)
    subject_id = fields.Int(allow_none=True)
    business_key = fields.Str(allow_none=True)
    started_by = fields.Str(allow_none=True)
    started_by_name = fields.Str(allow_none=True, metadata={"description": "the starter's display name"})
    started_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    open_tasks = fields.List(fields.Nested(CaseTaskSchema))
    data_summary = fields.Dict()
    open_incident_id = fields.Int(allow_none=True)
    history = fields.List(fields.Nested(CaseEventSchema))
