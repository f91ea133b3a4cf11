"""Operators of rectification_order (下发整改) and of the chains that open orders.

`open_rectification_order` is the stable way for any diagram to open an order: see the
contract in app/services/orders.py.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from app import settings
from app.extensions import db
from app.infra import wallclock
from app.models import (
    OrgUnit,
    Project,
    RectificationOrder,
    TaskComment,
    User,
)
from app.models.orders import ORDER_TYPES, STOP_ORDER_TYPES
from app.services.definitions.operator_registry import (
    OperatorContext,
    Param,
    child_process,
    child_process_param,
    operator,
)
from app.services.notifications.operators import notify
from app.services.supervision import clauses, orders
from app.services.workflow import timeline

URGING_PROCESS = "supervision_urging"

RESUME_CONDITIONS = ["停工部位的安全隐患已全部整改完毕", "整改情况经监理单位复查合格",
                     "经本监督机构审核同意后方可复工"]
# Which notice an order prints is the diagram's (print_notice's `template` parameter); this map only
# serves cases of rectification_order versions deployed before, whose diagram reads `notice_template`:
# `designer.versions.versions_reading("rectification_order", "notice_template")` names them (the
# shipped diagram is not one, tests/integration/workflow/test_notice_template_readers.py); drop the
# map and `notice_template` once no case runs on those versions.
NOTICE_BY_TYPE = {"deadline": "rectification_notice", "partial_stop": "stop_work_notice",
                  "full_stop": "stop_work_notice"}


def add_reason_comment(ctx: OperatorContext, label: str, reason: str) -> None:
    """A return reason is posted as a case comment, which every task view of the case shows."""
    db.session.add(TaskComment(instance_id=ctx.instance.id, user_id=ctx.actor.user_id,
                               username=ctx.actor.username, body=f"{label}：{reason}",
                               created_at=wallclock.now()))


def _issuer(ctx: OperatorContext, data: dict[str, Any]) -> User | None:
    user_id = data.get("issuer_user_id") if data.get("order_ready") else ctx.actor.user_id
    return db.session.get(User, user_id) if isinstance(user_id, int) else None


@operator("register_rectification_order", summary="登记已签发的整改单（签发人、条款快照、通知书）")
def register_rectification_order(ctx: OperatorContext, params: dict, data: dict) -> dict:
    """Register the issued order: issuer (bound to the audit), clause snapshots, notice type."""
    problems = [dict(p) for p in data.get("problems") or []]
    files = data.get("files") or []
    if data.get("copy_attachments_from"):
        problems, files = orders.copy_case_attachments(problems, files,
                                                       data["copy_attachments_from"], ctx.instance.id)
    for problem in problems:
        problem["legal_basis"] = clauses.resolve(problem.get("clauses"))
    issuer = _issuer(ctx, data)
    row = orders.order_of(ctx.instance.id) or RectificationOrder(instance_id=ctx.instance.id)
    row.project_id, row.order_type = ctx.instance.project_id, data["order_type"]
    row.deadline = date.fromisoformat(str(data["deadline"])[:10])
    row.issuer_user_id = issuer.id if issuer else None
    row.issuer_name = issuer.display_name if issuer else None
    row.source_kind = str(data.get("source_kind") or "manual")
    row.source_instance_id = data.get("source_instance_id")
    row.problem_count, row.issued_at, row.status = len(problems), wallclock.now(), "issued"
    db.session.add(row)
    timeline.note(ctx, "order_issued", {"order_type": row.order_type, "deadline": str(row.deadline),
                                        "issuer": row.issuer_name, "problems": len(problems)})
    # issuer_user_id binds the audit (candidateUserVariable); audit_seats only serves instances
    # of versions deployed when the audit was a one-seat multi-instance.
    return {"problems": problems, "files": files, "copy_attachments_from": None,
            "notice_problems": notice_problems(problems), "photo_annex": photo_annex(problems),
            "inspection_date": data.get("inspection_date") or wallclock.local_today().isoformat(),
            "stop_type": ORDER_TYPES[row.order_type].removesuffix("整改"),
            "resume_conditions": RESUME_CONDITIONS, "issued_on": wallclock.local_today().isoformat(),
            "issuer_user_id": row.issuer_user_id, "issuer_name": row.issuer_name or "",
            "audit_seats": [row.issuer_user_id], "notice_template": NOTICE_BY_TYPE[row.order_type],
            "requirements": data.get("requirements") or "", "stop_scope": data.get("stop_scope") or ""}


def notice_problems(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The problems as the notice prints them: the notice's own photo numbers (照片1, 照片2… across
    the notice, the photos themselves on its annex page) and the legal basis per clause."""
    numbers = iter(range(1, 10_000))
    return [{"location": p.get("location"), "description": p.get("description"),
             "photos": [f"照片{next(numbers)}" for _ in p.get("photos") or []],
             "basis": [{"rule": b["title"] or b["code"], "article": f"（{b['code']}）"}
                       for b in p.get("legal_basis") or []]}
            for p in problems]


def photo_annex(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The annex page of a notice: each photo (an attachment of the case) under its notice number."""
    photos = [(index, p, attachment) for index, p in enumerate(problems, 1) for attachment in p.get("photos") or []]
    return [{"label": f"照片{n}", "attachment_id": attachment, "problem": index, "location": p.get("location")}
            for n, (index, p, attachment) in enumerate(photos, 1)]


@operator("update_rectification_order", summary="变更整改单台账状态", params=(
    Param("status", "str", "新状态", required=True),
    Param("reason", "str", "退回原因（退回时）"),
))
def update_rectification_order(ctx: OperatorContext, params: dict, data: dict) -> None:
    """Move the order register to `status`; a return posts its reason for the contractor."""
    row = orders.order_of(ctx.instance.id)
    status = params["status"]
    now = wallclock.now()
    if row is not None:
        row.status = status
        if status == "replied":
            row.replied_at = now
        elif status == "returned":
            row.return_count += 1
        elif status == "closed":
            row.closed_at = now
    if status == "returned":
        add_reason_comment(ctx, "整改退回原因", str(params.get("reason") or ""))
        timeline.note(ctx, "order_returned", {"reason": params.get("reason")})
    elif status == "closed" and data.get("order_type") in STOP_ORDER_TYPES:
        timeline.note(ctx, "order_resumed", {"order_type": data.get("order_type")})


@operator("rectification_order_overdue", summary="整改逾期：标记并提醒施工单位")
def rectification_order_overdue(ctx: OperatorContext, params: dict, data: dict) -> None:
    """The deadline passed without a reply: flag the order and remind the contractor."""
    row = orders.order_of(ctx.instance.id)
    if row is not None and row.status in ("issued", "returned"):
        row.status = "overdue"
    notify(ctx, {"role": "contractor_pm", "message":
                 f"整改期限（{data.get('deadline')}）已到，请尽快提交整改回复。"}, data)
    timeline.note(ctx, "order_overdue_reminder", {"deadline": data.get("deadline")})


def _person(user: User | None) -> str:
    """A user's name as a notice prints it: without the bracketed unit of the display name."""
    return re.sub(r"[（(].*?[）)]", "", user.display_name).strip() if user else ""


def _urging_data(ctx: OperatorContext, row: RectificationOrder | None, data: dict) -> dict:
    project = db.session.get(Project, ctx.instance.project_id) if ctx.instance.project_id else None
    unit = db.session.get(OrgUnit, project.district_id) if project else None
    issuer = db.session.get(User, row.issuer_user_id) if row and row.issuer_user_id else None
    days = settings.current().urging_days
    today = wallclock.local_today()
    deadline = (today + timedelta(days=days)).isoformat()
    name = f"整改逾期未回复：{project.name if project else ctx.instance.title}"
    return {
        "item_ready": True, "item_no": f"ZG-{ctx.instance.id}", "category": "整改逾期",
        "name": name[:200], "content": f"整改单（期限 {data.get('deadline')}）逾期未回复，请督促施工单位整改。",
        "requirements": "督促施工单位立即整改并回复，报送整改结果。", "leader": "",
        "start_date": today.isoformat(), "end_date": deadline, "reporting_method": "system",
        "warning_days": 1, "urgency": "urgent",
        # the official who issued the order follows it up: the urging notice names him and his phone
        "follow_up_person": _person(issuer), "follow_up_phone": issuer.phone if issuer else "",
        "signatory": _person(issuer),  # the escalation runs on a timer: the order's issuer signs the notice
        "source_instance_id": ctx.instance.id,
        "tasks": [{"name": "督促整改回复", "description": name[:200], "deadline": deadline,
                   "lead_unit": unit.code if unit else "", "assisting_units": [],
                   "lead_user": issuer.username if issuer else None, "order": 1}],
    }


@operator("open_urging_for_order", summary="整改单未回复：开启一个督办案件（只开一次）", params=(
    child_process_param(URGING_PROCESS),
))
def open_urging_for_order(ctx: OperatorContext, params: dict, data: dict) -> dict:
    """Escalate an unanswered order: open one supervision_urging case (never a second)."""
    row = orders.order_of(ctx.instance.id)
    if row is not None and row.urging_instance_id:
        timeline.note(ctx, "order_escalated", {"urging_instance_id": row.urging_instance_id,
                                               "repeated": True})
        return {"instance_id": row.urging_instance_id, "created": False}
    project = db.session.get(Project, ctx.instance.project_id) if ctx.instance.project_id else None
    urging_data = _urging_data(ctx, row, data)
    instance_id = orders.start_child_case(ctx.actor, child_process(params, URGING_PROCESS), ctx.instance, project,
                                          urging_data, title=urging_data["name"])
    if row is not None:
        row.status, row.urging_instance_id = "urged", instance_id
    timeline.note(ctx, "order_escalated", {"urging_instance_id": instance_id})
    return {"instance_id": instance_id, "created": True}


@operator("open_rectification_order", summary="从当前案件开启一个整改单案件", params=(
    Param("order_type", "str", "整改单类型", required=True),
    Param("problems", "list", "问题列表", required=True),
    Param("deadline", "str", "整改期限（ISO 日期）", required=True),
    Param("stop_scope", "str", "停工范围（停工整改时）"),
    Param("requirements", "str", "整改要求（印在通知书上）"),
    Param("inspection_date", "str", "发现问题的检查日期（ISO 日期，印在通知书上）"),
    Param("source_kind", "str", "来源类型，如 'site_check'"),
    child_process_param(orders.ORDER_PROCESS),
))
def open_rectification_order(ctx: OperatorContext, params: dict, data: dict) -> dict:
    """Open a rectification_order case from the calling case (contract: services/orders.py)."""
    instance_id = orders.open_order(ctx.actor, ctx.instance, params)
    return {"rectification_order_instance_id": instance_id}


@operator("open_rectification_orders", summary="按问题的整改类型各开一个整改单案件", params=(
    Param("problems", "list", "问题列表，每项含 order_type", required=True),
    Param("deadline", "str", "整改期限（ISO 日期）", required=True),
    Param("stop_scope", "str", "停工范围（停工整改时）"),
    Param("requirements", "str", "整改要求（印在通知书上）"),
    Param("inspection_date", "str", "发现问题的检查日期（ISO 日期，印在通知书上）"),
    Param("source_kind", "str", "来源类型"),
    child_process_param(orders.ORDER_PROCESS),
))
def open_rectification_orders(ctx: OperatorContext, params: dict, data: dict) -> dict:
    """One order per order type among `problems` (each problem names its `order_type`)."""
    by_type: dict[str, list[dict]] = {}
    for problem in params.get("problems") or []:
        by_type.setdefault(problem.get("order_type") or "deadline", []).append(problem)
    ids = [orders.open_order(ctx.actor, ctx.instance, {**params, "order_type": kind,
                                                        "problems": items})
           for kind, items in sorted(by_type.items())]
    return {"rectification_order_instance_ids": ids}


@operator("note_return", summary="记录退回及原因（案件意见与历史）", params=(
    Param("step", "str", "退回的步骤编号", required=True),
    Param("label", "str", "步骤名称", required=True),
    Param("reason", "str", "退回原因", required=True),
))
def note_return(ctx: OperatorContext, params: dict, data: dict) -> None:
    """Any chain's return with reason: shown as a case comment and kept in the history."""
    reason = str(params.get("reason") or "")
    add_reason_comment(ctx, str(params.get("label") or "退回原因"), reason)
    timeline.note(ctx, "returned", {"step": params.get("step"), "reason": reason})

