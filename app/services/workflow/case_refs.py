"""Form checks that need the case: dates against today (China time) and ids that must point at
records of the case's own project (see app/formdefs/keywords.py for the form keywords)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.formdefs.keywords import date_problems, project_refs
from app.infra import wallclock
from app.models import Device, HazardousWork, ProcessInstance

# `x-projectRef` kinds: the model whose `project_id` must equal the case's project.
PROJECT_RECORDS: dict[str, Any] = {"hazardous_work": HazardousWork, "device": Device}
NOT_OWN = "不属于本案件的工程项目。"


def _ids_of_project(model: Any, ids: list[Any], project_id: int | None) -> bool:
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        return False
    found = set(db.session.scalars(select(model.id).where(
        model.id.in_(ids), model.project_id == project_id))) if project_id is not None else set()
    return found == set(ids)


def case_form_problems(instance: ProcessInstance, schema: dict[str, Any],
                       data: dict[str, Any]) -> dict[str, list[str]]:
    """Per-field problems of a (shape-valid) submission that JSON Schema cannot see."""
    problems = date_problems(schema, data, wallclock.local_today())
    for where, kind, ids in project_refs(schema, data):
        model = PROJECT_RECORDS.get(kind)
        if model is None or not _ids_of_project(model, ids, instance.project_id):
            problems.setdefault(where, []).append(NOT_OWN)
    return problems
