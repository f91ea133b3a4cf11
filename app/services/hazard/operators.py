"""Hazardous-work operators: the work's status, load the work into the case, start it, draw and
redraw expert panels."""
from __future__ import annotations

from typing import Any

from app.domain import vocabulary
from app.errors import DomainError
from app.extensions import db
from app.formdefs.messages import Said
from app.infra import wallclock
from app.models import HazardousWork
from app.services.definitions.operator_registry import OperatorContext, Param, operator
from app.services.hazard import expert_draw
from app.services.workflow import timeline


class WorkStatusError(DomainError):
    """危大工程当前状态不允许此操作。"""
    code = "work_status_invalid"


# Allowed status moves of a hazardous work (DESIGN: status changes only through processes).
WORK_TRANSITIONS = {
    "registered": {"plan_approved", "terminated"},
    "plan_approved": {"in_progress", "suspended", "accepted", "terminated"},
    "in_progress": {"suspended", "accepted", "terminated"},
    "suspended": {"in_progress", "terminated"},
    "accepted": {"terminated"},
    "terminated": set(),
}


@operator("set_work_status", summary="变更危大工程状态（按生命周期）", params=(
    Param("status", "any", "目标状态，如 'plan_approved'", required=True),
))
def set_work_status(ctx: OperatorContext, params: dict, data: dict) -> dict:
    """Move the instance's hazardous work to `params["status"]` if the lifecycle allows it."""
    work = work_of(ctx, params)
    target = params["status"]
    if target != work.status and target not in WORK_TRANSITIONS.get(work.status, set()):
        zh, en = (lambda code: vocabulary.word(code, "work_status")), (lambda code: vocabulary.word(code, "work_status", "en"))
        raise WorkStatusError(Said(f"危大工程状态为“{zh(work.status)}”，不能变更为“{zh(target)}”。",
                                   f"The hazardous work is “{en(work.status)}” and cannot become “{en(target)}”."))
    before, work.status = work.status, target
    timeline.note(ctx, "work_status", {"from": before, "to": target})
    return {"work_status": target}


class WorkMissingError(DomainError):
    """流程没有关联危大工程。"""
    code = "work_missing"


def work_of(ctx: OperatorContext, params: dict) -> HazardousWork:
    """The case's hazardous work (`params["work_id"]` or the instance subject). Raises WorkMissingError."""
    work_id = params.get("work_id")
    if not work_id and ctx.instance.subject_type == "hazardous_work":
        work_id = ctx.instance.subject_id
    work = db.session.get(HazardousWork, work_id) if work_id else None
    if work is None:
        raise WorkMissingError()
    return work


@operator("load_hazardous_work", summary="把危大工程信息载入案件数据")
def load_hazardous_work(ctx: OperatorContext, params: dict, data: dict) -> dict[str, Any]:
    """Copy what the forms and gateways need about the work into the case data."""
    work = work_of(ctx, params)
    project = work.project
    return {
        "work_id": work.id, "work_code": work.code, "work_name": work.name,
        "work_status": work.status, "super_scale": bool(work.super_scale),
        "super_scale_reason": work.super_scale_reason or "",
        "category_code": work.category.code, "category_name": work.category.name_zh,
        "specialty": work.category.specialty or "",
        "project_code": project.code, "project_name": project.name,
        "project_address": project.address or "", "permit_no": project.permit_no or "",
        "starter_roles": sorted(ctx.actor.roles_on_project(project.id)),
        "hazardous_work": {"name": work.name, "code": work.code, "category": work.category.name_zh,
                           "scale": "超过一定规模的危大工程" if work.super_scale else "危大工程"},
    }


@operator("mark_work_started", summary="首次巡查：标记危大工程已开工")
def mark_work_started(ctx: OperatorContext, params: dict, data: dict) -> dict[str, Any]:
    """The first patrol of an approved plan shows the work is being built: plan_approved → in_progress."""
    work = work_of(ctx, params)
    if work.status == "plan_approved" and "in_progress" in WORK_TRANSITIONS["plan_approved"]:
        return set_work_status(ctx, {"work_id": work.id, "status": "in_progress"}, data)
    return {"work_status": work.status}


@operator("draw_experts", summary="抽取论证专家组", params=(
    Param("size", "any", "专家人数（不少于配置的最少人数）", required=True),
    Param("specialty", "str", "专业（可选，默认取工程类别的专业）"),
    Param("seed", "int", "随机种子（可选）"),
))
def draw_experts(ctx: OperatorContext, params: dict, data: dict) -> dict[str, Any]:
    """Draw a panel (params: size ≥ the configured minimum, optional specialty, seed, work_id).

    The draw, its seed, the candidates and the avoidance exclusions go to the case timeline.
    Raises ValidationError(`panel_size_invalid`), PanelShortageError(`experts_insufficient`).
    """
    work = work_of(ctx, params)
    size = expert_draw.panel_size(params.get("size"))
    specialty = params.get("specialty") or work.category.specialty or ""
    result = expert_draw.draw(work, specialty, size, seed=params.get("seed"))
    timeline.record(ctx.instance.id, ctx.actor, "expert_draw", wallclock.now(), task_name="draw_panel",
                    data=result.record(specialty, size))
    seats = [expert_draw.seat(e) for e in result.drawn]
    return {"panel_members": seats, "panel_pending": seats, "panel_draw_seed": result.seed,
            "panel_drawn_ids": [s["expert_id"] for s in seats]}


@operator("redraw_experts", summary="替换回避的专家", params=(
    Param("declined", "any", "回避的专家席位", required=True),
    Param("members", "any", "当前专家组席位", required=True),
    Param("drawn_ids", "any", "已抽过的专家编号", required=True),
    Param("specialty", "str", "专业（可选）"),
    Param("seed", "int", "随机种子（可选）"),
))
def redraw_experts(ctx: OperatorContext, params: dict, data: dict) -> dict[str, Any]:
    """Replace each expert who declined by a newly drawn eligible expert not drawn before.

    params: declined (seats), members (current panel seats), drawn_ids (every expert drawn so far),
    optional seed. Raises PanelShortageError(`experts_insufficient`).
    """
    work = work_of(ctx, params)
    declined = list(params.get("declined") or [])
    drawn_ids = {int(i) for i in params.get("drawn_ids") or []}
    specialty = params.get("specialty") or work.category.specialty or ""
    result = expert_draw.draw(work, specialty, len(declined), seed=params.get("seed"), skip_ids=drawn_ids)
    replacements = [expert_draw.seat(e) for e in result.drawn]
    gone = {s["expert_id"] for s in declined}
    members = [m for m in params.get("members") or [] if m["expert_id"] not in gone] + replacements
    record = result.record(specialty, len(declined))
    record["declined"] = [{"expert_id": s["expert_id"], "name": s["name"]} for s in declined]
    timeline.record(ctx.instance.id, ctx.actor, "expert_redraw", wallclock.now(), task_name="redraw_panel",
                    data=record)
    return {"panel_members": members, "panel_pending": replacements,
            "panel_drawn_ids": sorted(drawn_ids | {s["expert_id"] for s in replacements})}
