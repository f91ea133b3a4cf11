"""Realistic demo contexts per notice template (tests, bench, seed, preview).

Every call returns a fresh dict, so callers may mutate it freely.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.rendering.samples import hazardous, inspection, orders, quality, site_records
from app.rendering.samples.common import many_problems

_BUILDERS: dict[str, Callable[[], dict[str, Any]]] = {
    "rectification_notice": orders.rectification_notice,
    "stop_work_notice": orders.stop_work_notice,
    "resumption_notice": orders.resumption_notice,
    "urging_notice": orders.urging_notice,
    "supervision_suspend_notice": hazardous.supervision_suspend_notice,
    "supervision_resume_notice": hazardous.supervision_resume_notice,
    "supervision_terminate_notice": hazardous.supervision_terminate_notice,
    "expert_argumentation_report": hazardous.expert_argumentation_report,
    "inspection_record": inspection.inspection_record,
    "health_check_report": inspection.health_check_report,
    "quality_rectification_notice": quality.quality_rectification_notice,
    "sample_label_sheet": quality.sample_label_sheet,
    "supervision_log": site_records.supervision_log,
    "side_station_record": site_records.side_station_record,
    "parallel_inspection_record": site_records.parallel_inspection_record,
}


def sample_context(template: str) -> dict[str, Any]:
    """Demo context for ``template``. Raises KeyError for an unknown template."""
    return _BUILDERS[template]()


def sample_fields(template: str) -> dict[str, Any]:
    """The template's own fields of its sample (what a case would hand to issuing: the service
    fills the project, its parties, the issuer, the number and the date)."""
    from app.rendering.catalogue import COMMON_KEYS

    service = {key.split(".")[0] for key in COMMON_KEYS}
    return {k: v for k, v in sample_context(template).items() if k not in service}


__all__ = ["many_problems", "sample_context", "sample_fields"]
