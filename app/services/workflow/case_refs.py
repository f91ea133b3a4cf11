"""Form checks that need the case: dates against today (China time), ids that must point at
records of the case's own project and codes that must be current entries of a library (see
app/formdefs/keywords.py for the form keywords)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.formdefs.keywords import date_problems, library_refs, project_refs
from app.infra import wallclock
from app.models import Device, HazardousWork, LegalClause, ProcessInstance

# `x-projectRef` kinds: the model whose `project_id` must equal the case's project.
PROJECT_RECORDS: dict[str, Any] = {"hazardous_work": HazardousWork, "device": Device}
NOT_OWN = "不属于本案件的工程项目。"
# `x-libraryRef` libraries: (code column, the condition of a current entry, the library's name).
LIBRARIES: dict[str, tuple[Any, Any, str]] = {
    "legal_clause": (LegalClause.code, LegalClause.active.is_(True), "条款库")}


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
    for where, library, code in _unknown_codes(library_refs(schema, data)):
        problems.setdefault(where, []).append(f"{library}中没有编号为“{code}”的现行条目，请从{library}中选择。")
    return problems


def _unknown_codes(refs: list[tuple[str, str, Any]]) -> list[tuple[str, str, Any]]:
    """(path, library name, code) of each code that is not a current entry of its library (one
    query a library; an unknown library knows no code)."""
    unknown = []
    for library in {lib for _, lib, _ in refs}:
        column, current, name = LIBRARIES.get(library, (None, None, library))
        codes = {c for _, lib, c in refs if lib == library and isinstance(c, str)}
        known = set(db.session.scalars(select(column).where(column.in_(codes), current))) \
            if column is not None and codes else set()
        unknown += [(where, name, code) for where, lib, code in refs if lib == library and code not in known]
    return sorted(unknown, key=lambda triple: triple[0])
