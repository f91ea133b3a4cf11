"""The records as an xlsx workbook: a sheet per kind, Chinese headers, no codes; each export is
written to the audit log (who took which project's records)."""
from __future__ import annotations

from typing import Any

from app.infra import audit_trail
from app.infra.uow import transaction
from app.infra.xlsx import refuse_too_large, workbook
from app.models import RECORD_KINDS
from app.services.access.actors import Actor
from app.services.site_records.fields import labels
from app.services.site_records.records import count_records, list_records

_HEAD = [("number", "记录编号"), ("project_name", "工程名称")]
_TAIL = [("author_name", "记录人"), ("status_label", "审核状态"), ("reviewer_name", "审核人"),
         ("review_opinion", "审核意见")]
MAX_ROWS = 50_000  # one workbook; more is refused, never cut short


def _cell(row: dict[str, Any], key: str) -> Any:
    if key == "result":
        return row["content"].get("result_label")
    if key == "record_date":
        return row["record_date"]
    return row[key] if key in row else row["content"].get(key)


def records_workbook(actor: Actor, project_code: str | None = None) -> bytes:
    """The visible records (or one project's) as xlsx bytes. Raises NotFoundError for an
    invisible project."""
    total = count_records(actor, project_code)
    refuse_too_large(total, MAX_ROWS, "条监理记录", "supervision records", "请按工程项目导出。",
                     "export them project by project.")
    rows = list_records(actor, project_code, limit=max(total, 1))
    sheets = []
    for kind, title in RECORD_KINDS.items():
        columns = [*_HEAD, *labels(kind).items(), *_TAIL]
        sheets.append((title, [{key: _cell(row, key) for key, _ in columns} for row in rows if row["kind"] == kind],
                       columns))
    content = workbook(sheets)
    with transaction(actor):
        audit_trail.record(actor, "export", entity_type="supervision_record", entity_id=project_code or "all")
    return content
