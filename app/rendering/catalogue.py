"""The catalogue of notice templates: Chinese title, type code, required keys.

Why a catalogue: the service layer numbers notices per type (``郑建安整〔2026〕…``
uses the type code 整) and checks completeness before issuing; the preview page
lists the titles. Keys are dotted paths into the render context.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

COMMON_KEYS: tuple[str, ...] = (
    "number", "project.name", "project.address", "addressees", "issuer.org_unit",
    "issuer.signatory", "issue_date", "verify_code", "verify_url",
)


@dataclass(frozen=True)
class NoticeTemplate:
    """One printable notice: file ``documents/<name>.html``."""

    name: str
    title: str
    type_code: str
    specific_keys: tuple[str, ...]
    common_keys: tuple[str, ...] = COMMON_KEYS

    @property
    def required_keys(self) -> tuple[str, ...]:
        return self.common_keys + self.specific_keys


# The supervising engineers' records (app/services/site_records/printing.py).
_RECORD_KEYS = ("record_no", "record_date", "supervision_unit", "recorder", "reviewer", "reviewed_on")

_ALL = (
    NoticeTemplate("rectification_notice", "安全隐患整改通知书", "整",
                   ("inspected_unit", "inspection_date", "problems", "requirements", "deadline")),
    NoticeTemplate("stop_work_notice", "停工整改通知书", "停",
                   ("inspected_unit", "inspection_date", "problems", "stop_type", "stop_scope",
                    "stop_time", "resume_conditions", "deadline")),
    NoticeTemplate("resumption_notice", "复工通知书", "复",
                   ("stop_notice_number", "evidence_summary", "resumption_scope",
                    "resumption_date")),
    NoticeTemplate("urging_notice", "督办通知书", "督",
                   ("subject", "lead_unit", "item_category", "item_content",
                    "requirements", "deadline", "reply_method", "contact.name",
                    "contact.phone"),
                   # sent to the urged units (lead_unit); a project is printed only when there is one
                   tuple(k for k in COMMON_KEYS if k not in ("project.name", "project.address", "addressees"))),
    NoticeTemplate("supervision_suspend_notice", "中止施工安全监督告知书", "中",
                   ("applicant.unit", "suspension_date", "reason",
                    "part_under_construction", "safety_measures")),
    NoticeTemplate("supervision_resume_notice", "恢复施工安全监督告知书", "恢",
                   ("acceptance_report_ref", "resumption_date")),
    NoticeTemplate("supervision_terminate_notice", "终止施工安全监督告知书", "终",
                   ("end_proof_ref", "termination_date")),
    NoticeTemplate("expert_argumentation_report", "专家论证报告", "论",
                   ("hazardous_work.name", "plan_name", "argued_at", "experts",
                    "conclusion")),
    NoticeTemplate("inspection_record", "监督检查记录", "检",
                   ("inspection_date", "inspectors", "check_items", "units_present")),
    NoticeTemplate("health_check_report", "工地体检报告", "体",
                   ("month", "indices", "overall_score")),
    NoticeTemplate("quality_rectification_notice", "质量整改通知书", "质",
                   ("inspected_unit", "agency_name", "report_no", "materials", "sample_codes",
                    "failed_items", "measure", "affected_scope", "requirements", "deadline")),
    NoticeTemplate("sample_label_sheet", "见证取样样品标识", "样", ("labels",)),
    NoticeTemplate("supervision_log", "监理日志", "志", _RECORD_KEYS + (
        "weather", "works", "inspections", "problems", "handling", "instructions")),
    NoticeTemplate("side_station_record", "旁站记录", "旁", _RECORD_KEYS + (
        "process", "location", "started_at", "ended_at", "works", "problems", "handling")),
    NoticeTemplate("parallel_inspection_record", "平行检验记录", "平", _RECORD_KEYS + (
        "item", "location", "findings", "result")),
)

TEMPLATES: dict[str, NoticeTemplate] = {t.name: t for t in _ALL}


def _lookup(context: Any, dotted: str) -> Any:
    value = context
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def missing_fields(template: str, context: dict) -> list[str]:
    """Required keys of ``template`` that are absent or empty in ``context``.

    Rendering never needs this (missing data prints a placeholder); the service
    layer uses it to warn before issuing. Raises KeyError for an unknown template.
    """
    missing = []
    for key in TEMPLATES[template].required_keys:
        value = _lookup(context, key)
        if value is None or (isinstance(value, (str, list, tuple, dict)) and not value):
            missing.append(key)
    return missing
