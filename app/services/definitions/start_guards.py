"""Start rules as data of the diagram: on which subject, in which of its states and by which
project roles a process may start, and whether its forms stay open when the subject has ended.

A process declares them as properties of its `<bpmn:process>` (processes/EXTENSIONS.md, "Start
rules"); they are checked at deploy (`rule_problems`) and read per deployed version
(`rule_of`). What a subject kind is — its statuses, how its row is found, scoped and locked —
belongs to the capability that owns it, which registers a `SubjectGuard` here when it is
imported (`register_guard`, as operators register): the runtime never imports a capability.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import func, select

from app.engine.parsing import process_properties, start_lanes
from app.errors import PermissionDeniedError
from app.extensions import db
from app.models import ProcessDefinition
from app.roles import AUTHORITY_ROLES, ENTERPRISE_ROLES
from app.services.access.actors import Actor
from app.services.definitions import definition_cache

SUBJECT, STATUSES, ROLES, SINGLE, TERMINATING = (
    "startSubject", "startStatuses", "startRoles", "startSingle", "subjectTerminating")
FLAGS = {"true": True, "false": False}


@dataclass(frozen=True)
class StartRule:
    subject: str                # the subject kind a case must be started on (hazardous_work)
    statuses: frozenset[str]    # the subject's statuses in which it may start
    roles: frozenset[str]       # project roles that may start it
    single: bool = True         # at most one open case of this process per subject
    terminating: bool = False   # ends the subject's life: its own forms stay open after that


class SubjectGuard(Protocol):
    """What the owner of a subject kind checks; registered with `register_guard`."""

    label: str                   # the subject kind in words (危大工程)
    statuses: Mapping[str, str]  # every status of the subject kind → its words

    def check_start(self, actor: Actor, process_key: str, rule: StartRule | None, subject_id: int,
                    project_code: str | None) -> None: ...

    def check_complete(self, rule: StartRule | None, subject_id: int) -> None: ...

    def missing(self) -> Exception: ...  # the refusal of a start without the subject


GUARDS: dict[str, SubjectGuard] = {}
_rules: dict[tuple[int, str], StartRule | None] = {}
_official_starts: dict[tuple[int, str], bool] = {}


def register_guard(subject_type: str, guard: SubjectGuard) -> None:
    GUARDS[subject_type] = guard


def _names(value: str) -> frozenset[str]:
    return frozenset(v.strip() for v in value.split(",") if v.strip())


def rule_from(properties: Mapping[str, str]) -> StartRule | None:
    """The rule the process properties declare (None without `startSubject`)."""
    if not properties.get(SUBJECT):
        return None
    return StartRule(properties[SUBJECT].strip(), _names(properties.get(STATUSES, "")),
                     _names(properties.get(ROLES, "")), FLAGS.get(properties.get(SINGLE, "true"), True),
                     FLAGS.get(properties.get(TERMINATING, "false"), False))


def rule_problems(properties: Mapping[str, str]) -> list[str]:
    """What is wrong with the declared rule, in words (empty when it deploys)."""
    return [message for _, message in rule_problems_by_property(properties)]


def rule_problems_by_property(properties: Mapping[str, str]) -> list[tuple[str, str]]:
    """(the property at fault, "" for the rule as a whole; what is wrong) of the declared rule."""
    rule = rule_from(properties)
    declared = [n for n in (STATUSES, ROLES, SINGLE, TERMINATING) if n in properties]
    if rule is None:
        return [(declared[0], f"声明了 {'、'.join(declared)} 却没有 {SUBJECT}（发起对象）。")] if declared else []
    guard = GUARDS.get(rule.subject)
    if guard is None:
        return [(SUBJECT, f"{SUBJECT} 的值 {rule.subject} 不是已知的发起对象（可用：{'、'.join(sorted(GUARDS))}）。")]
    problems = [(STATUSES, f"{STATUSES} 中的 {s} 不是该对象的状态。") for s in sorted(rule.statuses - set(guard.statuses))]
    problems += [(ROLES, f"{ROLES} 中的 {r} 不是项目角色。") for r in sorted(rule.roles - ENTERPRISE_ROLES)]
    problems += [(n, f"{n} 只能是 true 或 false。") for n in (SINGLE, TERMINATING)
                 if n in properties and properties[n] not in FLAGS]
    if not rule.statuses or not rule.roles:
        problems.append((STATUSES if STATUSES in properties else SUBJECT,
                         f"发起规则须同时写明 {STATUSES} 和 {ROLES}。"))
    return problems


def rule_of(definition: ProcessDefinition) -> StartRule | None:
    """The start rule of this deployed version (read once per version)."""
    key = (definition.id, definition.content_hash)
    if key not in _rules:
        if len(_rules) >= definition_cache.SIZE:
            _rules.clear()
        bpmn = definition_cache.sources(definition).get(f"{definition.key}.bpmn")
        _rules[key] = rule_from(process_properties(bpmn.encode(), definition.key)) if bpmn else None
    return _rules[key]


def rules_by_key() -> dict[str, StartRule]:
    """The start rule of the newest version of every process that declares one."""
    newest = select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v")) \
        .group_by(ProcessDefinition.key).subquery()
    rows = db.session.scalars(select(ProcessDefinition).join(
        newest, (newest.c.key == ProcessDefinition.key) & (newest.c.v == ProcessDefinition.version)))
    return {d.key: rule for d in rows if (rule := rule_of(d)) is not None}


def check_start_lane(actor: Actor, definition: ProcessDefinition) -> None:
    """A process whose start event lies in an official's lane (an order, a clue, an urging item,
    an inspection) is an act of the authority: only officials with jurisdiction (and admins) may
    start it, never a project's enterprise users.

    Raises PermissionDeniedError(`case_start_role`).
    """
    if not offered_to(actor, definition, rules=False):
        raise PermissionDeniedError("该流程由监管部门发起。", code="case_start_role")


def offered_to(actor: Actor, definition: ProcessDefinition, *, rules: bool = True) -> bool:
    """May the actor start this process at all (what the start page offers him)? Officials with
    a jurisdiction and admins: every process. Enterprise users: not the processes an official's
    lane starts, and (with `rules`) not those whose start rule names none of their roles."""
    if actor.is_admin or actor.jurisdiction_paths:
        return True
    if starts_in_official_lane(definition):
        return False
    rule = rule_of(definition) if rules else None
    return rule is None or bool(rule.roles & actor.roles)


def starts_in_official_lane(definition: ProcessDefinition) -> bool:
    """Does a start event a person starts lie in an official's lane? Read once per deployed
    version (id and content hash, like `rule_of`: a version never changes, a new upload is a
    new id), not parsed from the diagram on every start."""
    key = (definition.id, definition.content_hash)
    found = _official_starts.get(key) if definition.id is not None else None
    if found is None:
        bpmn = definition_cache.sources(definition).get(f"{definition.key}.bpmn")
        found = bool(bpmn) and bool(AUTHORITY_ROLES.intersection(start_lanes(bpmn.encode(), definition.key)))
        if definition.id is not None:
            if len(_official_starts) >= definition_cache.SIZE:
                _official_starts.clear()
            _official_starts[key] = found
    return found


def check_can_start(actor: Actor, definition: ProcessDefinition, subject_type: str | None,
                    subject_id: int | None, *, project_code: str | None = None) -> None:
    """Refuse a start that the subject's life or the actor's role does not allow.

    A process with a rule needs its subject (the guard's `missing` error, e.g. `work_required`);
    a start on a registered subject kind is checked by its guard (rule or not); others pass.
    """
    rule = rule_of(definition)
    guard = GUARDS.get(subject_type or "") if subject_id is not None else None
    if rule is not None and (guard is None or subject_type != rule.subject):
        raise GUARDS[rule.subject].missing()
    if guard is not None:
        guard.check_start(actor, definition.key, rule, subject_id, project_code)


def check_can_complete(definition: ProcessDefinition, subject_type: str | None, subject_id: int | None) -> None:
    """Whatever the subject's guard says about working a form of this case now."""
    guard = GUARDS.get(subject_type or "") if subject_id is not None else None
    if guard is not None:
        guard.check_complete(rule_of(definition), subject_id)
