"""Registration operators: check a submission (never raising: problems send it back to the
submitter), apply an approved enterprise submission, activate a registered project."""
from __future__ import annotations

from typing import Any

from app.extensions import db
from app.infra import wallclock
from app.models import Enterprise
from app.services.definitions.operator_registry import OperatorContext, operator
from app.services.registrations import approval, rules
from app.services.workflow import timeline


def _outcome(problems: rules.Problems) -> dict[str, Any]:
    return {"check_passed": not problems, "check_problems": rules.problems_text(problems)}


@operator("check_enterprise_submission", summary="校验企业信息申报并生成变更摘要")
def check_enterprise_submission(ctx: OperatorContext, params: dict, data: dict) -> dict[str, Any]:
    """Rules of an enterprise submission; also the change summary the reviewer reads."""
    problems = rules.enterprise_problems(data, data.get("enterprise_id"), data.get("submitter_user_id"))
    current = db.session.get(Enterprise, data["enterprise_id"]) if data.get("enterprise_id") else None
    after = {name: data.get(name) for name in rules.ENTERPRISE_FIELDS}
    summary = rules.change_summary(approval.enterprise_snapshot(current), after)
    return {**_outcome(problems), "change_summary": summary}


@operator("apply_enterprise_submission", summary="写入审核通过的企业信息并保留前后记录")
def apply_enterprise_submission(ctx: OperatorContext, params: dict, data: dict) -> dict[str, Any]:
    """Write the approved information to the enterprise and keep the before/after history."""
    enterprise_id = approval.apply_enterprise(ctx.instance.id, ctx.actor.username, data)
    if ctx.instance.subject_id is None:
        ctx.instance.subject_type, ctx.instance.subject_id = "enterprise", enterprise_id
    timeline.record(ctx.instance.id, ctx.actor, "enterprise_applied", wallclock.now(), task_name="apply_enterprise",
                    data={"enterprise_id": enterprise_id, "kind": data.get("submission_kind")})
    return {"enterprise_id": enterprise_id}


@operator("check_project_registration", summary="校验开工登记并生成审核摘要")
def check_project_registration(ctx: OperatorContext, params: dict, data: dict) -> dict[str, Any]:
    """Rules of a start registration; also the summaries the reviewer reads."""
    problems = rules.project_problems(data, data["district_id"], data.get("submitter_user_id"))
    parties = "\n".join(f"{p.get('party_type')}：{p.get('enterprise_name') or p.get('credit_code')}（"
                        f"{p.get('responsible_person')} {p.get('responsible_phone')}）" for p in data.get("participants") or [])
    accounts = "\n".join(f"{a.get('username')}（{a.get('display_name')}，{a.get('role')}）" for a in data.get("accounts") or [])
    return {**_outcome(problems), "participant_summary": parties, "account_summary": accounts or "无"}


@operator("activate_registered_project", summary="项目生效：登记参建单位并开设账号")
def activate_registered_project(ctx: OperatorContext, params: dict, data: dict) -> dict[str, Any]:
    """Project active, participants and registration recorded, accounts created with their grants."""
    done = approval.activate_project(ctx.instance.id, ctx.actor.username, data)
    ctx.instance.subject_type, ctx.instance.subject_id = "project", done.project_id
    ctx.instance.project_id = done.project_id  # the case now belongs to the project's file
    shown = ctx.handback is not None  # the initial passwords go back to the approver, not into the case
    if shown:
        ctx.handback["credentials"] = done.credentials
    accounts = [{**a, "password_shown": a["created"] and shown} for a in done.accounts]
    timeline.record(ctx.instance.id, ctx.actor, "accounts_created", wallclock.now(), task_name="activate_project",
                    data={"project_id": done.project_id, "project_code": done.project_code, "accounts": accounts})
    return {"project_id": done.project_id, "project_code": done.project_code,
            "created_usernames": [a["username"] for a in done.accounts if a["created"]]}
