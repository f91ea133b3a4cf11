"""The steps of hazardous_plan_review as the demo users take them."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import InboxTask, User

from .support import complete

COMPILE = {"plan_name": "深基坑开挖与支护专项施工方案", "planned_start": "2026-03-10",
           "planned_end": "2026-06-30", "compile_date": "2026-03-02", "plan_summary": "排桩+内支撑"}


def compile_plan(iid: int, version: int = 1):
    return complete("contractor_pm", iid, "compile_plan", {**COMPILE, "plan_name": f"{COMPILE['plan_name']} v{version}"},
                    files={"plan_file": 1})


def tech(iid: int, reason: str | None = None):
    answer = {"tech_decision": "return", "tech_reason": reason} if reason else {"tech_decision": "pass"}
    return complete("tech_lead", iid, "tech_review", answer)


def chief(iid: int, reason: str | None = None):
    answer = {"chief_decision": "return", "chief_reason": reason} if reason else \
        {"chief_decision": "pass", "chief_opinion": "同意"}
    return complete("chief_supervisor", iid, "chief_review", answer)


def signatures(iid: int, version: int = 1):
    compile_plan(iid, version)
    tech(iid)
    return chief(iid)


def organize(iid: int, size: int = 5):
    return complete("district_safety", iid, "organize_panel", {
        "panel_size": size, "argumentation_date": "2026-03-12", "argumentation_venue": "金水区安监站会议室"})


def seat_users(iid: int, task_name: str = "give_opinion") -> list[str]:
    """Usernames of the experts holding an open seat of this case, in seat order."""
    db.session.expire_all()
    rows = db.session.scalars(select(InboxTask).where(
        InboxTask.instance_id == iid, InboxTask.task_name == task_name, InboxTask.status == "open")
        .order_by(InboxTask.id))
    return [db.session.get(User, r.candidate_user_id).username for r in rows]


def opinion(username: str, iid: int, result: str = "pass"):
    return complete(username, iid, "give_opinion", {"opinion": {
        "attendance": "attend", "result": result, "comments": f"{username}：支护设计计算书完整"}})


def decline(username: str, iid: int):
    return complete(username, iid, "give_opinion", {"opinion": {
        "attendance": "decline", "decline_reason": "本人近期参与过该项目咨询，申请回避"}})


def all_opinions(iid: int, result: str = "pass") -> list[str]:
    users = seat_users(iid)
    for username in users:
        opinion(username, iid, result)
    return users


def conclude(iid: int, result: str = "pass", changes: str | None = None):
    [leader] = seat_users(iid, "record_conclusion")
    body = {"result": result, "argumentation_date": "2026-03-12", "summary": "专家组一致意见"}
    if changes:
        body["required_changes"] = changes
    return complete(leader, iid, "record_conclusion", {"conclusion": body}, files={"report_file": 1})
