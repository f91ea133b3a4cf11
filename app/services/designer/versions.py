"""The versions of a process: who deployed each and when, what changed against the version before
(elements added, removed and changed, files added, removed and changed) and how many cases run on it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import etree
from sqlalchemy import case, func, select

from app.extensions import db
from app.models import ProcessDefinition, ProcessInstance
from app.services.access import people
from app.services.access.actors import SYSTEM, Actor
from app.services.access.permissions import require_any_role

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
FINISHED = ("completed", "cancelled")
# Children that only mirror other elements (a flow's ends) or the drawing: not a change of their own.
DERIVED = {f"{BPMN}incoming", f"{BPMN}outgoing"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=True)


@dataclass(frozen=True)
class Element:
    id: str
    name: str
    kind: str  # the BPMN local name: userTask, sequenceFlow, lane…


@dataclass
class Changes:
    added: list[Element] = field(default_factory=list)
    removed: list[Element] = field(default_factory=list)
    changed: list[Element] = field(default_factory=list)
    files_added: list[str] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)
    files_changed: list[str] = field(default_factory=list)
    layout_only: bool = False  # the diagram changed, but only its drawing


@dataclass
class Version:
    version: int
    deployed_by: str | None  # the deployer's name; None: the system (`flask processes deploy`, make run)
    deployed_at: datetime
    running: int
    finished: int
    changes: Changes | None  # None for the first version


def _fingerprints(xml: str) -> dict[str, tuple[Element, bytes]]:
    """Every model element with an id → (what it is, its content without the elements that have
    their own id, without derived children and without the drawing)."""
    root = etree.fromstring(xml.encode(), parser=_PARSER)
    names = {el.get("id"): el.get("name") for el in root.iter(f"{BPMN}*") if el.get("id") and el.get("name")}
    found: dict[str, tuple[Element, bytes]] = {}
    for el in root.iter(f"{BPMN}*"):
        eid = el.get("id")
        if not eid or el.tag == f"{BPMN}definitions":
            continue
        copy = etree.fromstring(etree.tostring(el), parser=_PARSER)
        for child in list(copy.iter()):
            if child is not copy and (child.get("id") and child.tag.startswith(BPMN) or child.tag in DERIVED):
                parent = child.getparent()
                if parent is not None:
                    parent.remove(child)
        found[eid] = (Element(eid, _label(el, names), etree.QName(el).localname), etree.tostring(copy, method="c14n"))
    return found


def _label(el, names: dict[str, str]) -> str:
    """What people call an element: its name; an unnamed flow by its two ends (never a bare id)."""
    if el.get("name"):
        return el.get("name")
    if el.get("sourceRef") and el.get("targetRef"):
        ends = [names.get(el.get(end)) or "" for end in ("sourceRef", "targetRef")]
        return " → ".join(ends) if all(ends) else ""
    return ""


def diagram_changes(old: str, new: str) -> tuple[list[Element], list[Element], list[Element]]:
    """(added, removed, changed) model elements of `new` against `old`, in document order."""
    before, after = _fingerprints(old), _fingerprints(new)
    added = [e for eid, (e, _) in after.items() if eid not in before]
    removed = [e for eid, (e, _) in before.items() if eid not in after]
    changed = [e for eid, (e, body) in after.items() if eid in before and before[eid][1] != body]
    return added, removed, changed


def _changes(key: str, old: dict[str, str], new: dict[str, str]) -> Changes:
    diagram = f"{key}.bpmn"
    out = Changes(files_added=sorted(set(new) - set(old)), files_removed=sorted(set(old) - set(new)),
                  files_changed=sorted(n for n in set(old) & set(new) if old[n] != new[n] and n != diagram))
    if diagram in old and diagram in new and old[diagram] != new[diagram]:
        out.added, out.removed, out.changed = diagram_changes(old[diagram], new[diagram])
        out.layout_only = not (out.added or out.removed or out.changed)
    return out


def _case_counts(key: str) -> dict[int, tuple[int, int]]:
    rows = db.session.execute(
        select(ProcessInstance.definition_id,
               func.count(case((ProcessInstance.status.not_in(FINISHED), 1))),
               func.count(case((ProcessInstance.status.in_(FINISHED), 1))))
        .where(ProcessInstance.process_key == key).group_by(ProcessInstance.definition_id))
    return {d: (r or 0, f or 0) for d, r, f in rows}


def version_history(actor: Actor, key: str) -> list[Version]:
    """Every deployed version of `key`, newest first, with its changes and case counts ([] when the
    key was never deployed). Officials with a jurisdiction and designers; raises PermissionDeniedError."""
    if not (actor.is_admin or actor.jurisdiction_paths):
        require_any_role(actor, "process_designer")
    definitions = list(db.session.scalars(select(ProcessDefinition).where(ProcessDefinition.key == key)
                                          .order_by(ProcessDefinition.version)))
    counts = _case_counts(key)
    names = people.names_of(d.deployed_by for d in definitions)
    out: list[Version] = []
    previous: dict[str, Any] | None = None
    for d in definitions:
        sources = d.sources or {}
        running, finished = counts.get(d.id, (0, 0))
        who = None if d.deployed_by in (None, SYSTEM.username) else names.get(d.deployed_by, d.deployed_by)
        out.append(Version(d.version, who, d.deployed_at, running, finished,
                           None if previous is None else _changes(key, previous, sources)))
        previous = sources
    return out[::-1]


SPIFF_PARAMETER = "{http://spiffworkflow.org/bpmn/schema/1.0/core}parameter"


def versions_reading(key: str, name: str) -> list[int]:
    """The deployed versions of `key` whose diagram reads the task-data variable `name` (in a
    service task's parameter, a script or a condition): what Python that still writes `name` for
    older diagrams serves; it can go once no case runs on these versions (`version_history`)."""
    reads = re.compile(rf"(?<![\w.]){re.escape(name)}\b")
    found = []
    rows = db.session.execute(select(ProcessDefinition.version, ProcessDefinition.sources)
                              .where(ProcessDefinition.key == key).order_by(ProcessDefinition.version))
    for version, sources in rows:
        text = (sources or {}).get(f"{key}.bpmn")
        if not text:
            continue
        root = etree.fromstring(text.encode(), _PARSER)
        said = [p.get("value") or "" for p in root.iter(SPIFF_PARAMETER)]
        said += [n.text or "" for n in root.iter(f"{BPMN}script", f"{BPMN}conditionExpression")]
        if any(reads.search(t) for t in said):
            found.append(version)
    return found
