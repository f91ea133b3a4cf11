"""Workflow persistence: deployed definitions, running instances, their history and incidents."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from app.extensions import db
from app.models._base import JSONType, UTCDateTime, utcnow

INSTANCE_STATUSES = ("running", "waiting", "completed", "cancelled", "error")


class ProcessDefinition(db.Model):
    """One deployed version of a process key; the spec is stored once per version."""

    __tablename__ = "process_definition"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_process_definition_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    # The two blobs load together on first access only: engine steps and form validation read
    # them through app/services/definition_cache.py (cached by id + content_hash).
    spec_json: Mapped[str] = mapped_column(Text, deferred=True, deferred_group="blobs")
    # {"<file name>": "<text>"} of the BPMN/DMN/form files, so a designer can open any version.
    sources: Mapped[dict] = mapped_column(JSONType, default=dict, deferred=True, deferred_group="blobs")
    title: Mapped[str | None] = mapped_column(String(200))
    user_tasks: Mapped[list] = mapped_column(JSONType, default=list)
    message_starts: Mapped[list] = mapped_column(JSONType, default=list)
    deployed_by: Mapped[str | None] = mapped_column(String(64))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProcessInstance(db.Model):
    __tablename__ = "process_instance"

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(64), index=True)
    business_key: Mapped[str | None] = mapped_column(String(100), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"), index=True)
    subject_type: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(Integer, index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="running", index=True)
    state: Mapped[str] = mapped_column(Text)
    # Optimistic version check everywhere; row locks on PostgreSQL in addition.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    next_timer_due: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    parent_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    started_by: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    data_summary: Mapped[dict] = mapped_column(JSONType, default=dict)

    definition: Mapped[ProcessDefinition] = relationship()
    project = relationship("Project")
    # The path of the project's district, read with the instance by the case steps' locking
    # read (with_expression); None when not loaded that way.
    project_district_path: Mapped[str | None] = query_expression()

    __mapper_args__ = {"version_id_col": lock_version}


_OPEN = text("status = 'open'")
# Columns the inbox branches select or filter on (app/services/inbox.py: id + sort keys + filters).
_INBOX_COVER = ("id", "due_at", "priority", "created_at", "process_key", "candidate_user_id", "assignee_id")


def _open_inbox_index(name: str, *keys: str, pattern: str | None = None) -> Index:
    """Partial index of open rows on `keys`, covering the rest of _INBOX_COVER on PostgreSQL;
    `pattern` names the key that LIKE 'prefix%' reads (varchar_pattern_ops)."""
    return Index(name, *keys, postgresql_include=[c for c in _INBOX_COVER if c not in keys],
                 postgresql_ops={pattern: "varchar_pattern_ops"} if pattern else {},
                 postgresql_where=_OPEN, sqlite_where=_OPEN)


class InboxTask(db.Model):
    """A READY user task, materialised so that inbox queries never load a workflow."""

    __tablename__ = "inbox_task"
    __table_args__ = (
        UniqueConstraint("instance_id", "spiff_task_id", name="uq_inbox_task_spiff"),
        # Partial covering indexes of open rows, one per kind of inbox branch (app/services/inbox.py
        # unions one branch per candidate arm; bench/engine.py (c) has the numbers): every branch
        # is an index-only scan on PostgreSQL; SQLite gets the keys only.
        # Enterprise arm (role + project), read in due order so that a page stops early. Keys
        # after the unique id order nothing: they are SQLite's INCLUDE, so the counts of the
        # candidate and assignee tests read the index only (migration 0028), and with `status`
        # SQLite takes it as a covering index: no deferred seek into the table per counted row
        # (migration 0031; a quarter of a contractor's count):
        _open_inbox_index("ix_inbox_task_open_enterprise", "project_id", "role", "due_at", "id",
                          "candidate_user_id", "assignee_id", "status"),
        # Authority arm (role + district path prefix; LIKE '/1/4/%' needs the pattern opclass
        # unless the database collation is C), and the jurisdiction scope (any role under a path):
        # The trailing keys make it covering for the counts on SQLite (migration 0031: a district
        # officer's counts 1.58 → 0.62 ms, his API list's total 0.63 → 0.10 ms raw):
        _open_inbox_index("ix_inbox_task_open_role_path", "role", "district_path", "candidate_user_id",
                          "assignee_id", "status", pattern="district_path"),
        # … and the same arm read in due order, filtering the path inside the index (the better
        # plan when the path holds most of the role's rows; without it PostgreSQL may walk the
        # all-rows due_at index instead):
        _open_inbox_index("ix_inbox_task_open_role_due", "role", "due_at", "id", "district_path",
                          "candidate_user_id", "assignee_id", "status"),
        _open_inbox_index("ix_inbox_task_open_path", "district_path", "status", pattern="district_path"),
        # Seats bound to a user and rows assigned to him (the single-column indexes also hold
        # every completed row he ever had):
        _open_inbox_index("ix_inbox_task_open_candidate", "candidate_user_id", "due_at", "id"),
        _open_inbox_index("ix_inbox_task_open_assignee", "assignee_id", "due_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    spiff_task_id: Mapped[str] = mapped_column(String(36))
    task_name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    process_key: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(40), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"), index=True)
    district_path: Mapped[str | None] = mapped_column(String(255), index=True)
    subject_type: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    subject_title: Mapped[str | None] = mapped_column(String(200))
    # Restricts candidates beyond role + scope (e.g. the expert drawn for this panel seat).
    candidate_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    priority: Mapped[int] = mapped_column(Integer, default=50)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    form_name: Mapped[str | None] = mapped_column(String(100))
    ui_name: Mapped[str | None] = mapped_column(String(100))
    # The values of the form's read-only fields, taken from the task's data while it is READY
    # (case_sync): the task page reads them here and never loads the workflow. Deferred: inbox
    # lists do not read it.
    form_values: Mapped[dict | None] = mapped_column(JSONType, deferred=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | completed | cancelled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)

    instance: Mapped[ProcessInstance] = relationship()


class MessageSubscription(db.Model):
    __tablename__ = "message_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"), index=True)
    message_name: Mapped[str] = mapped_column(String(100), index=True)
    # Canonical JSON of the correlation values, so equal correlations compare as equal strings.
    correlation_key: Mapped[str] = mapped_column(String(500), index=True)


class MessageReceipt(db.Model):
    """Delivered messages by idempotency key: a repeat returns the first result."""

    __tablename__ = "message_receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    message_name: Mapped[str] = mapped_column(String(100))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    outcome: Mapped[str] = mapped_column(String(16))  # started | delivered
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class InstanceEvent(db.Model):
    """The case timeline and audit trail of an instance."""

    __tablename__ = "instance_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    inbox_task_id: Mapped[int | None] = mapped_column(ForeignKey("inbox_task.id"))
    kind: Mapped[str] = mapped_column(String(32))
    task_name: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    username: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(45))
    data: Mapped[dict | None] = mapped_column(JSONType)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class Incident(db.Model):
    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    element_id: Mapped[str | None] = mapped_column(String(100))
    # What failed, so that retry can redo it: {"action": "complete", "task_id": …, "data": …}
    action: Mapped[dict] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | resolved
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(64))

    instance: Mapped[ProcessInstance] = relationship()


class Attachment(db.Model):
    """A file stored by sha256, attached to a task or an instance."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    inbox_task_id: Mapped[int | None] = mapped_column(ForeignKey("inbox_task.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TaskComment(db.Model):
    __tablename__ = "task_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    inbox_task_id: Mapped[int | None] = mapped_column(ForeignKey("inbox_task.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    username: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OutboxMessage(db.Model):
    """Side effects (Celery tasks) recorded in the transaction that caused them, sent after commit."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_name: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending | sent
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
