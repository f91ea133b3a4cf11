"""Driving the hazardous-work chains as real users do: find the task in one's inbox, upload the
files, submit the real form through the service layer."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import HazardousWork, Project
from app.services.casework import attachment_uploads
from app.services.hazard import work_cases
from app.services.workflow import cases, inbox_queries
from tests.support.processes import Upload, actor, deploy_only, events, my_task

PDF = b"%PDF-1.4\n% test file\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
KEYS = ("hazardous_plan_review", "hazardous_inspection", "hazardous_acceptance", "hazardous_suspension",
        "hazardous_termination", "hazardous_emergency")


def deploy_hazardous(*keys: str) -> None:
    """Deploy the hazardous diagrams (only ours: other families' files are not our concern)."""
    deploy_only(keys or KEYS, ("hazardous_",))


def work(project_code: str = "JS-2026-001", code: str = "WD-01") -> HazardousWork:
    db.session.expire_all()
    return db.session.scalar(select(HazardousWork).join(Project).where(
        Project.code == project_code, HazardousWork.code == code))


def set_status(w: HazardousWork, status: str) -> None:
    """Test setup only: put a work in a status without walking the chain that leads there."""
    w.status = status
    db.session.commit()


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
    for name, count in (files or {}).items():
        data[name] = [upload(username, row.id) for _ in range(count)]
    return cases.complete_task(actor(username), row.id, data)


def start(username: str, key: str, w: HazardousWork, data: dict | None = None) -> int:
    return work_cases.start_work_case(actor(username), key, w.id, data)


@dataclass(frozen=True)
class Application:
    """An apply → review ⟲ chain of a work (suspension, resumption, termination, acceptance): the
    contractor PM submits `form` with `files`; the reviewer approves or returns it with a reason.
    The review form's fields are `<decision>_decision` and `<decision>_reason`."""
    key: str
    apply_task: str
    form: dict[str, Any]
    files: dict[str, int]
    review_task: str
    decision: str
    approval: dict[str, Any] = field(default_factory=dict)  # what an approving reviewer writes
    reviewer: str = "district_safety"
    approve: str = "approve"  # the decision value that approves

    def apply(self, instance_id: int, **extra: Any) -> cases.CompletionResult:
        return complete("contractor_pm", instance_id, self.apply_task, {**self.form, **extra}, files=self.files)

    def review(self, instance_id: int, reason: str | None = None) -> cases.CompletionResult:
        answer = {f"{self.decision}_decision": "return", f"{self.decision}_reason": reason} if reason else \
            {f"{self.decision}_decision": self.approve, **self.approval}
        return complete(self.reviewer, instance_id, self.review_task, answer)

    def approved(self, w: HazardousWork) -> int:
        """Start the case on `w`, apply, approve; returns the case id."""
        instance_id = start("contractor_pm", self.key, w)
        self.apply(instance_id)
        self.review(instance_id)
        return instance_id


def notices(instance_id: int) -> list[dict[str, Any]]:
    """Notices the case asked for (issue_document calls, whatever the operator does with them)."""
    return [e.data["params"] for e in events(instance_id, "operator_called")
            if e.data["operator"] == "issue_document"]


def status_of(w: HazardousWork) -> str:
    db.session.expire_all()
    return db.session.get(HazardousWork, w.id).status
