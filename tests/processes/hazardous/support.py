"""Driving the hazardous-work chains as real users do: find the task in one's inbox, upload the
files, submit the real form through the service layer."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import HazardousWork, InboxTask, InstanceEvent, Project, User
from app.services.access.actors import Actor, actor_for
from app.services.casework import attachment_uploads, task_reads
from app.services.hazard import work_cases
from app.services.workflow import cases, deployments, inbox_queries

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in China
PDF = b"%PDF-1.4\n% test file\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
KEYS = ("hazardous_plan_review", "hazardous_inspection", "hazardous_acceptance", "hazardous_suspension",
        "hazardous_termination", "hazardous_emergency")


def deploy_hazardous(*keys: str) -> None:
    """Deploy the hazardous diagrams (only ours: other families' files are not our concern)."""
    keys = keys or KEYS
    base = deployments.bundle_from_dirs()
    files = {n: b for n, b in base.files.items() if n.removesuffix(".bpmn") in keys}
    forms = {n: b for n, b in base.forms.items() if n.startswith("hazardous_")}
    deployments.deploy(deployments.Bundle(files, forms))


def actor(username: str) -> Actor:
    return actor_for(db.session.scalar(select(User).where(User.username == username)), ip="10.1.2.3")


def work(project_code: str = "JS-2026-001", code: str = "WD-01") -> HazardousWork:
    db.session.expire_all()
    return db.session.scalar(select(HazardousWork).join(Project).where(
        Project.code == project_code, HazardousWork.code == code))


def set_status(w: HazardousWork, status: str) -> None:
    """Test setup only: put a work in a status without walking the chain that leads there."""
    w.status = status
    db.session.commit()


@dataclass
class Upload:
    filename: str
    data: bytes

    def read(self, size: int = -1) -> bytes:
        return self.data


def my_task(username: str, instance_id: int, task_name: str | None = None) -> InboxTask:
    """The one open task of this case in `username`'s inbox (as the inbox page lists it)."""
    db.session.expire_all()
    page = inbox_queries.list_tasks(actor(username), inbox_queries.InboxFilter(limit=500))
    rows = [r for r in page.items if r.instance_id == instance_id and (task_name is None or r.task_name == task_name)]
    assert len(rows) == 1, f"{username} sees {[(r.task_name, r.instance_id) for r in page.items]}"
    return rows[0]


def inbox_names(username: str, instance_id: int) -> list[str]:
    db.session.expire_all()
    page = inbox_queries.list_tasks(actor(username), inbox_queries.InboxFilter(limit=500))
    return sorted(r.task_name for r in page.items if r.instance_id == instance_id)


def upload(username: str, task_id: int, data: bytes = PDF, name: str = "file.pdf") -> int:
    return attachment_uploads.attach_to_task(actor(username), task_id, Upload(name, data)).id


def complete(username: str, instance_id: int, task_name: str, data: dict[str, Any],
             files: dict[str, int] | None = None) -> cases.CompletionResult:
    """Open the task from the inbox, upload `files` ({field: how many}), submit `data`."""
    row = my_task(username, instance_id, task_name)
    data = dict(data)
    for field, count in (files or {}).items():
        data[field] = [upload(username, row.id) for _ in range(count)]
    return cases.complete_task(actor(username), row.id, data)


def context(username: str, instance_id: int, task_name: str) -> dict[str, Any]:
    """What the next actor sees in the read-only fields of his form."""
    return task_reads.readonly_values(actor(username), my_task(username, instance_id, task_name).id)


def start(username: str, key: str, w: HazardousWork, data: dict | None = None) -> int:
    return work_cases.start_work_case(actor(username), key, w.id, data)


def events(instance_id: int, kind: str) -> list[InstanceEvent]:
    return list(db.session.scalars(select(InstanceEvent).where(
        InstanceEvent.instance_id == instance_id, InstanceEvent.kind == kind).order_by(InstanceEvent.id)))


def notices(instance_id: int) -> list[dict[str, Any]]:
    """Notices the case asked for (issue_document calls, whatever the operator does with them)."""
    return [e.data["params"] for e in events(instance_id, "operator_called")
            if e.data["operator"] == "issue_document"]


def status_of(w: HazardousWork) -> str:
    db.session.expire_all()
    return db.session.get(HazardousWork, w.id).status
