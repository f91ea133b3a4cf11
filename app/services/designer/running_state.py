"""Where the cases of one process version stand, per diagram element: open tasks, open incidents,
completed tasks and their average time from ready to done (the heat map of the designer's
version page). Aggregates only, read from the inbox rows and incidents (no workflow is loaded)."""
from __future__ import annotations

from typing import Any

from lxml import etree
from sqlalchemy import func, select

from app.errors import NotFoundError
from app.extensions import db
from app.models import InboxTask, Incident, ProcessInstance
from app.services.access.actors import Actor
from app.services.access.permissions import require_any_role
from app.services.definitions import deployments


def _seconds(start, end):
    """The database's expression of `end - start` in seconds."""
    if db.engine.dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def version_state(actor: Actor, key: str, version: int) -> dict[str, Any]:
    """The diagram of `key` v`version` and, per element id, `open`, `incidents`, `done` and
    `avg_hours` (completed tasks); `max_hours` scales the heat map. Process designers only.

    Raises PermissionDeniedError (`role_required`), NotFoundError (`process_not_deployed`).
    """
    require_any_role(actor, "process_designer")
    definition = deployments.latest_definition(key, version)
    if definition is None or definition.version != version:
        raise NotFoundError("流程未部署该版本。", code="process_not_deployed")
    of_version = InboxTask.instance_id.in_(select(ProcessInstance.id).where(ProcessInstance.definition_id == definition.id))
    elements: dict[str, dict[str, Any]] = {}

    def entry(element_id: str) -> dict[str, Any]:
        return elements.setdefault(element_id, {"open": 0, "incidents": 0, "done": 0, "avg_hours": None})

    for name, count in db.session.execute(select(InboxTask.task_name, func.count()).where(
            of_version, InboxTask.status == "open").group_by(InboxTask.task_name)):
        entry(name)["open"] = count
    seconds = _seconds(InboxTask.created_at, InboxTask.completed_at)
    for name, count, average in db.session.execute(select(InboxTask.task_name, func.count(), func.avg(seconds)).where(
            of_version, InboxTask.status == "completed", InboxTask.completed_at.is_not(None)).group_by(InboxTask.task_name)):
        entry(name).update(done=count, avg_hours=round(float(average or 0) / 3600, 1))
    for element_id, count in db.session.execute(select(Incident.element_id, func.count()).join(
            ProcessInstance, ProcessInstance.id == Incident.instance_id).where(
            ProcessInstance.definition_id == definition.id, Incident.status == "open",
            Incident.element_id.is_not(None)).group_by(Incident.element_id)):
        entry(element_id)["incidents"] = count
    hours = [e["avg_hours"] for e in elements.values() if e["avg_hours"] is not None]
    bpmn = (definition.sources or {}).get(f"{key}.bpmn", "")
    names = _names(bpmn)
    rows = sorted(({"id": i, "name": names.get(i) or i, **e} for i, e in elements.items()),
                  key=lambda r: (-(r["open"] + r["incidents"]), -(r["avg_hours"] or 0), r["name"]))
    return {"key": key, "version": version, "title": definition.title or key, "bpmn": bpmn,
            "elements": elements, "rows": rows, "max_hours": max(hours, default=0)}


def _names(bpmn: str) -> dict[str, str]:
    """Element id → its name in the diagram (what the table beside the heat map shows)."""
    if not bpmn:
        return {}
    root = etree.fromstring(bpmn.encode(), parser=etree.XMLParser(resolve_entities=False, no_network=True))
    return {el.get("id"): el.get("name") for el in root.iter() if el.get("id") and el.get("name")}
