"""Demo data of the orders family: legal clauses, an open rectification order, a clue being
checked and an urging item half signed for — walked through the real diagrams."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from app import settings
from app.extensions import db
from app.infra import wallclock
from app.models import InboxTask, LegalClause, User
from app.services.access.actors import Actor, actor_for
from app.services.definitions import deployments
from app.services.supervision import clauses
from app.services.workflow import cases

FAMILY = ("rectification_order", "supervision_urging", "clue_assignment", "site_check",
          "hazard_self_check", "supervision_inspection", "health_check_rectification")
CLAUSES = [
    ("TL-AQ-21", "《建设工程安全生产管理条例》第二十一条",
     "施工单位主要负责人依法对本单位的安全生产工作全面负责……"),
    ("TL-AQ-28", "《建设工程安全生产管理条例》第二十八条",
     "施工单位应当在施工现场入口处、施工起重机械、临时用电设施……设置明显的安全警示标志。"),
    ("JGJ59-3.13", "《建筑施工安全检查标准》JGJ59 第3.13条 高处作业",
     "临边、洞口应设置防护设施，防护栏杆应符合规范要求。"),
    ("JGJ59-3.16", "《建筑施工安全检查标准》JGJ59 第3.16条 塔式起重机",
     "塔式起重机应安装起重量限制器、力矩限制器并灵敏可靠。"),
    ("HB-YC-08", "《郑州市扬尘污染防治条例》第八条", "施工工地应做到周边围挡、物料堆放覆盖……"),
]


def _actor(username: str) -> Actor:
    return actor_for(db.session.scalar(select(User).where(User.username == username)))


def _do(username: str, instance_id: int, task_name: str, data: dict[str, Any]) -> None:
    who = _actor(username)
    row = db.session.scalar(select(InboxTask).where(
        InboxTask.instance_id == instance_id, InboxTask.task_name == task_name,
        InboxTask.status == "open").order_by(InboxTask.id))
    cases.complete_task(who, row.id, data)


def _deploy() -> None:
    base = deployments.bundle_from_dirs()
    deployments.deploy(deployments.Bundle(
        {n: b for n, b in base.files.items() if n.split(".")[0] in FAMILY},
        {n: b for n, b in base.forms.items() if n.split(".")[0].startswith(FAMILY)}))


def _days_ahead(days: int) -> str:
    """A deadline the forms accept whenever the demo is loaded (deadlines may not be past)."""
    return (wallclock.local_today() + timedelta(days=days)).isoformat()


def _open_order() -> None:
    order = cases.start_case(_actor("district_safety"), "rectification_order",
                             project_code="JS-2026-001", title="金水湾住宅小区 限期整改")
    _do("district_safety", order, "issue_order", {
        "order_type": "deadline", "inspection_date": _days_ahead(0), "deadline": _days_ahead(30),
        "requirements": "立即整改，整改完成后书面回复。",
        "problems": [{"description": "12层楼梯口临边未设防护栏杆", "location": "3#楼12层",
                      "clauses": ["JGJ59-3.13"]},
                     {"description": "塔吊力矩限制器失效", "location": "1#塔吊", "clauses": ["JGJ59-3.16"]}]})


def _clue() -> None:
    clue = cases.start_case(_actor("city_official"), "clue_assignment", project_code="JS-2026-003",
                            title="AI识别：未佩戴安全帽")
    _do("city_official", clue, "register_clue", {
        "source": "iot", "iot_type": "ai_recognition", "description": "大门AI摄像头多次识别未佩戴安全帽",
        "check_days": 3, "assign_note": "请金水区核查处理"})


def _urging() -> None:
    urging = cases.start_case(_actor("urging_clerk"), "supervision_urging", title="汛期在建工地隐患排查督办")
    _do("urging_clerk", urging, "register_item", {
        "item_no": "DB-2026-001", "category": "安全生产", "name": "汛期在建工地隐患排查督办",
        "content": "对辖区在建工地开展汛期安全隐患排查整治。", "requirements": "逐项排查，建立台账，按期报送。",
        "start_date": "2026-06-01", "end_date": "2026-12-31", "reporting_method": "system",
        "warning_days": 3, "follow_up_person": "许静", "follow_up_phone": "0371-67180001",
        "urgency": "urgent"})
    _do("urging_clerk", urging, "decompose", {"tasks": [
        {"name": "金水区排查", "deadline": _days_ahead(30), "lead_unit": "ZZ-JS", "order": 1},
        {"name": "二七区排查", "deadline": _days_ahead(30), "lead_unit": "ZZ-EQ", "order": 2}]})
    _do("district_safety", urging, "sign_for", {"signed": True, "handler": "马晓东"})


def seed_orders() -> dict[str, int]:
    """Load the family's demo cases once (skipped when the clause library is not empty)."""
    enabled = settings.current().demo_order_cases
    if not enabled or db.session.scalar(select(LegalClause.id).limit(1)) is not None:
        return {}
    admin = _actor("city_official")
    for code, title, text in CLAUSES:
        clauses.create_clause(admin, code, title, text)
    _deploy()
    _open_order()
    _clue()
    _urging()
    return {"legal_clauses": len(CLAUSES), "order_demo_cases": 3}
