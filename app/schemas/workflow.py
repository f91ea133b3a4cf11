"""Shapes of process definitions, instances, inbox tasks, messages and incidents."""
from marshmallow import Schema, fields, validate

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


class IncidentSchema(Schema):
    id = fields.Int()
    instance_id = fields.Int()
    code = fields.Str()
    message = fields.Str()
    element_id = fields.Str(allow_none=True)
    status = fields.Str()
    created_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
