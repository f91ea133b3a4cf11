"""Operators of supervision_inspection: the random draw of projects and experts (双随机)."""
from __future__ import annotations

import random
import secrets
from typing import Any

from sqlalchemy import select

from app.errors import DomainError
from app.extensions import db
from app.formdefs.messages import Said
from app.models import Project
from app.services.access import expert_avoidance
from app.services.access.scoping import project_filter
from app.services.definitions.operator_registry import (
    OperatorContext,
    Param,
    child_process,
    child_process_param,
    operator,
)
from app.services.supervision import orders
from app.services.workflow import timeline

INSPECTION_PROCESS = "supervision_inspection"


class InspectionExpertShortageError(DomainError):
    """符合回避规则的专家人数不足，无法为抽中的项目组成检查组。"""
    code = "experts_insufficient"


def _draw_experts(rng: random.Random, project: Project, count: int) -> dict[str, Any]:
    """The experts of one drawn project: drawn among those who may act on it (the avoidance rule
    of the expert panels: nobody employed by a participant of the project)."""
    eligibility = expert_avoidance.eligible_experts(project.id)
    if len(eligibility.candidates) < count:
        raise InspectionExpertShortageError(
            Said(f"项目“{project.name}”符合回避规则的可抽取专家只有 {len(eligibility.candidates)} 人，"
                 f"需要 {count} 人，请先补充专家库或减少抽取人数。",
                 f"Only {len(eligibility.candidates)} experts meet the avoidance rules for the project "
                 f"“{project.name}” and {count} are needed: add experts to the library or draw fewer."))
    drawn = rng.sample(eligibility.candidates, count)
    return {"project": project, "eligibility": eligibility, "drawn": drawn,
            "seats": [{"user_id": e.user_id, "expert_id": e.id, "name": e.name, "title": e.title or "",
                       "employer": e.employer_name or ""} for e in drawn]}


@operator("draw_inspections", summary="在辖区内随机抽取检查项目和专家", params=(
    Param("project_count", "int", "抽取的项目数", required=True),
    Param("expert_count", "int", "每个项目抽取的专家数", required=True),
    Param("check_items", "list", "检查事项列表"),
    child_process_param(INSPECTION_PROCESS),
))
def draw_inspections(ctx: OperatorContext, params: dict, data: dict) -> dict:
    """Draw projects in the official's jurisdiction, then for each drawn project (by id) its
    experts among those who may act on it; record the seed, the candidates and who was avoided
    and why (so the draw can be replayed and checked), then start one inspection case per project
    in which each drawn expert has his inspection task. Raises InspectionExpertShortageError
    (an incident of the draw) when a project has too few eligible experts."""
    seed = secrets.randbits(32)
    rng = random.Random(seed)
    candidates = list(db.session.scalars(select(Project).where(
        project_filter(ctx.actor), Project.status == "active").order_by(Project.id)))
    projects = rng.sample(candidates, min(int(params.get("project_count") or 1), len(candidates)))
    count = int(params.get("expert_count") or 0)
    draws = [_draw_experts(rng, project, count) for project in sorted(projects, key=lambda p: p.id)]
    timeline.note(ctx, "random_draw", {
        "seed": seed, "candidate_projects": [p.id for p in candidates], "projects": [p.code for p in projects],
        "expert_draws": [{"project": d["project"].code,
                          "candidate_experts": [e.id for e in d["eligibility"].candidates],
                          "excluded": d["eligibility"].excluded,
                          "experts": [e.name for e in d["drawn"]]} for d in draws]})
    started = [orders.start_child_case(
        ctx.actor, child_process(params, INSPECTION_PROCESS), ctx.instance, d["project"],
        {"inspection_ready": True, "mode": "drawn", "check_items": params.get("check_items") or [],
         "expert_seats": d["seats"], "draw_seed": seed}, title=f"双随机监督检查：{d['project'].name}")
        for d in draws]
    return {"seed": seed, "projects": [p.code for p in projects],
            "experts": {d["project"].code: [seat["name"] for seat in d["seats"]] for d in draws},
            "inspection_instance_ids": started}
