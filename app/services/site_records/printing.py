"""The printed copy of an approved record (documents/supervision_log.html,
side_station_record.html, parallel_inspection_record.html): issued like a notice (numbered,
verifiable, rendered after the commit), so the project's documents keep it. A log or
side-station record names its attached files (无 when there are none)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from app.infra.wallclock import LOCAL_TZ
from app.models import IssuedDocument, SupervisionRecord
from app.services.access.actors import Actor
from app.services.notices.issuing import issue_notice
from app.services.site_records.fields import RESULTS

TEMPLATES = {"log": "supervision_log", "side_station": "side_station_record",
             "parallel_inspection": "parallel_inspection_record"}


def _local(value: str) -> str:
    return datetime.fromisoformat(value).astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def print_params(record: SupervisionRecord) -> dict[str, Any]:
    """What the template prints: the record's content (times in China time, the result in
    words), its number, date, supervising unit, recorder and reviewer."""
    content = dict(record.content)
    for name in ("started_at", "ended_at"):
        if content.get(name):
            content[name] = _local(content[name])
    if "result" in content:
        content["result"] = RESULTS[content["result"]]
    if record.kind in ("log", "side_station"):
        content["attachments"] = "、".join(f.filename for f in record.files) or "无"
    unit = next((p.enterprise.name for p in record.project.participants if p.party_type == "supervisor"), None)
    return {**content, "record_no": record.number, "record_date": record.record_date, "supervision_unit": unit,
            "recorder": record.author_name, "reviewer": record.reviewer_name,
            "reviewed_on": record.reviewed_at.astimezone(LOCAL_TZ).date() if record.reviewed_at else None,
            "addressee_parties": ["contractor", "supervisor"]}


def issue_print(actor: Actor, record: SupervisionRecord) -> IssuedDocument:
    """Issue the printed copy of a reviewed record in the caller's transaction. Raises
    NoticeIssueError (`notice_incomplete` when the project names no supervising unit)."""
    return issue_notice(actor, TEMPLATES[record.kind], project=record.project, params=print_params(record))
