"""Urging (督办) statistics per lead unit: sign-for rate, completion rate, urge count."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.errors import PermissionDeniedError
from app.extensions import db
from app.models import InboxTask, OrgUnit, UrgingAssignment
from app.services.access.actors import Actor
from app.services.access.scoping import org_unit_filter


@dataclass(frozen=True)
class UnitUrgingStats:
    unit_code: str
    unit_name: str
    assigned: int
    signed: int
    completed: int
    urge_count: int

    @property
    def sign_rate(self) -> float:
        return round(self.signed / self.assigned, 4) if self.assigned else 0.0

    @property
    def completion_rate(self) -> float:
        return round(self.completed / self.assigned, 4) if self.assigned else 0.0


def unit_statistics(actor: Actor) -> list[UnitUrgingStats]:
    """One row per lead unit inside the actor's jurisdiction (officials only).

    Raises PermissionDeniedError(`urging_stats_denied`) for enterprise users and experts.
    """
    if not (actor.is_admin or actor.jurisdiction_paths):
        raise PermissionDeniedError("只有监管人员可以查看督办统计。", code="urging_stats_denied")
    signed = select(InboxTask.id).where(
        InboxTask.instance_id == UrgingAssignment.instance_id, InboxTask.task_name == "sign_for",
        InboxTask.candidate_user_id == UrgingAssignment.user_id,
        InboxTask.status == "completed").exists()
    rows = db.session.execute(
        select(OrgUnit.code, OrgUnit.name, signed, UrgingAssignment.completed_at,
               UrgingAssignment.urge_count)
        .join(UrgingAssignment, UrgingAssignment.unit_id == OrgUnit.id)
        .where(org_unit_filter(actor)).order_by(OrgUnit.code))
    totals: dict[tuple[str, str], list[int]] = {}
    for code, name, is_signed, completed_at, urges in rows:
        t = totals.setdefault((code, name), [0, 0, 0, 0])
        t[0] += 1
        t[1] += int(bool(is_signed))
        t[2] += int(completed_at is not None)
        t[3] += urges or 0
    return [UnitUrgingStats(code, name, *t) for (code, name), t in totals.items()]
