"""Who may act as an expert on a project (回避): an active expert with an active account, not
employed by any participant of the project. The expert panel draw of hazardous works and the
double-random inspection draw (双随机) apply the same rule."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Expert, ProjectParticipant, User

EMPLOYED_BY_PARTICIPANT = "employed_by_participant"


@dataclass(frozen=True)
class Eligibility:
    candidates: list[Expert]  # sorted by id: a recorded seed replays a draw over them
    excluded: list[dict[str, Any]] = field(default_factory=list)  # who was avoided, and why


def eligible_experts(project_id: int | None, *, specialty: str | None = None,
                     skip_ids: set[int] | None = None) -> Eligibility:
    """Active experts with an account (and `specialty`, when given), minus those employed by a
    participant of the project, who are listed with the reason. `skip_ids` (already drawn
    experts) are left out silently."""
    participants = set(db.session.scalars(select(ProjectParticipant.enterprise_id).where(
        ProjectParticipant.project_id == project_id))) if project_id is not None else set()
    rows = db.session.scalars(select(Expert).join(User, User.id == Expert.user_id).where(
        Expert.active.is_(True), User.is_active.is_(True)).order_by(Expert.id))
    candidates, excluded = [], []
    for expert in rows:
        if (specialty is not None and specialty not in (expert.specialties or [])) \
                or expert.id in (skip_ids or set()):
            continue
        if expert.employer_enterprise_id is not None and expert.employer_enterprise_id in participants:
            excluded.append({"expert_id": expert.id, "name": expert.name,
                             "enterprise_id": expert.employer_enterprise_id,
                             "reason": EMPLOYED_BY_PARTICIPANT})
            continue
        candidates.append(expert)
    return Eligibility(candidates, excluded)
