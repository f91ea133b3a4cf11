"""Random draw of expert panels (专家抽取) with the avoidance rule (回避).

An expert is eligible for a hazardous work when he is active, has a user account (his panel
seat is bound to it), lists the category's specialty, and is not employed by any participant
of the work's project. The draw uses `random.Random(seed)` over the eligible experts sorted by
id, so a recorded seed reproduces it exactly.
"""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from typing import Any

from app import settings
from app.errors import DomainError, ValidationError
from app.formdefs.messages import Said
from app.models import Expert, HazardousWork
from app.services.access import expert_avoidance
from app.services.access.expert_avoidance import Eligibility


class PanelShortageError(DomainError):
    """符合条件的专家人数不足，无法组成论证专家组。"""
    code = "experts_insufficient"


@dataclass(frozen=True)
class Draw:
    seed: int
    drawn: list[Expert]
    eligibility: Eligibility

    def record(self, specialty: str, size: int) -> dict[str, Any]:
        """What the case timeline keeps about this draw."""
        return {"seed": self.seed, "specialty": specialty, "size": size,
                "candidates": [e.id for e in self.eligibility.candidates],
                "excluded": self.eligibility.excluded, "drawn": [seat(e) for e in self.drawn]}


def min_panel_size() -> int:
    return settings.current().hazard_panel_min_size


def seat(expert: Expert) -> dict[str, Any]:
    """A multi-instance seat: `user_id` binds the inbox row to the drawn expert."""
    return {"user_id": expert.user_id, "expert_id": expert.id, "name": expert.name,
            "title": expert.title or "", "employer": expert.employer_name or "",
            "specialties": list(expert.specialties or [])}


def eligible_experts(work: HazardousWork, specialty: str, skip_ids: set[int] | None = None) -> Eligibility:
    """Active experts with an account and the specialty, minus those employed by a participant
    (the avoidance rule of `access.expert_avoidance`). `skip_ids` (already drawn experts) are
    left out silently; the avoidance exclusions are listed."""
    return expert_avoidance.eligible_experts(work.project_id, specialty=specialty, skip_ids=skip_ids)


def draw(work: HazardousWork, specialty: str, size: int, *, seed: int | None = None,
         skip_ids: set[int] | None = None) -> Draw:
    """Draw `size` distinct eligible experts. Raises PanelShortageError when too few are eligible."""
    eligibility = eligible_experts(work, specialty, skip_ids)
    if len(eligibility.candidates) < size:
        raise PanelShortageError(
            Said(f"专业“{specialty}”符合回避规则的可抽取专家只有 {len(eligibility.candidates)} 人，"
                 f"需要 {size} 人，请先补充专家库。",
                 f"Only {len(eligibility.candidates)} experts of the specialty “{specialty}” meet the avoidance "
                 f"rules and {size} are needed: add experts to the library first."))
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    drawn = random.Random(seed).sample(eligibility.candidates, size)
    return Draw(seed, drawn, eligibility)


def panel_size(requested: Any) -> int:
    """The requested panel size, at least the configured minimum. Raises ValidationError."""
    minimum = min_panel_size()
    size = minimum if requested in (None, "") else requested
    if isinstance(size, bool) or not isinstance(size, int) or size < minimum:
        raise ValidationError(Said(f"论证专家组不少于 {minimum} 人。", f"An expert panel has at least {minimum} members."),
                              code="panel_size_invalid",
                              fields={"panel_size": [Said(f"不少于 {minimum} 人。", f"At least {minimum}.")]})
    return size
