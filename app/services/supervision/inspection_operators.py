"""Operators of supervision_inspection: the random draw of projects and experts (双随机)."""
from __future__ import annotations

import random
import secrets

from sqlalchemy import select

from app.extensions import db
from app.models import Expert, Project
from app.services.access.scoping import project_filter
from app.services.supervision import orders
from app.services.workflow import timeline
from app.services.workflow.operator_registry import (
    OperatorContext,
    Param,
    child_process,
    child_process_param,
    operator,
)

INSPECTION_PROCESS = "supervision_inspection"


@operator("draw_inspections", summary="在辖区内随机抽取检查项目和专家", params=(
    Param("project_count", "int", "抽取的项目数", required=True),
    Param("expert_count", "int", "抽取的专家数", required=True),
    Param("check_items", "list", "检查事项列表"),
    child_process_param(INSPECTION_PROCESS),
))
def draw_inspections(ctx: OperatorContext, params: dict, data: dict) -> dict:
    """Draw projects in the official's jurisdiction and experts; record the seed and the
    candidate lists (so the draw can be replayed), then start one inspection case per project."""
    seed = secrets.randbits(32)
    rng = random.Random(seed)
    candidates = list(db.session.scalars(select(Project).where(
        project_filter(ctx.actor), Project.status == "active").order_by(Project.id)))
    experts = list(db.session.scalars(select(Expert).where(Expert.active.is_(True))
                                      .order_by(Expert.id)))
    projects = rng.sample(candidates, min(int(params.get("project_count") or 1), len(candidates)))
    drawn = rng.sample(experts, min(int(params.get("expert_count") or 0), len(experts)))
    panel = [{"user_id": e.user_id, "name": e.name, "title": e.title} for e in drawn]
    timeline.note(ctx, "random_draw", {
        "seed": seed, "candidate_projects": [p.id for p in candidates],
        "candidate_experts": [e.id for e in experts], "projects": [p.code for p in projects],
        "experts": [e.name for e in drawn]})
    started = [orders.start_child_case(
        ctx.actor, child_process(params, INSPECTION_PROCESS), ctx.instance, project,
        {"inspection_ready": True, "mode": "drawn", "check_items": params.get("check_items") or [],
         "experts": panel, "draw_seed": seed}, title=f"双随机监督检查：{project.name}")
        for project in sorted(projects, key=lambda p: p.id)]
    return {"seed": seed, "projects": [p.code for p in projects], "experts": panel,
            "inspection_instance_ids": started}
