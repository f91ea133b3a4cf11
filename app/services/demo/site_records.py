"""Demo data of the supervising engineers' records, every state: on 金水湾 an approved log (its
PDF issued), a log returned with a reason, a log returned, revised and submitted again, one
waiting for review, an approved side-station record and an unqualified parallel inspection
waiting for review, each with its `supervision_record_review` case; 金水区人民医院 started a month ago and has no log, so the daily sweep warns
its chief supervisor and the district officers."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app import settings
from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import Project, SupervisionRecord, User
from app.services.access.actors import Actor, actor_for
from app.services.definitions import deployments
from app.services.site_records import records, reminders, review, review_case

PROJECT, SILENT = "JS-2026-001", "JS-2026-002"


def _actor(username: str) -> Actor:
    return actor_for(db.session.scalar(select(User).where(User.username == username)))


def _log(days_ago: int, **kw) -> dict:
    return {"record_date": (wallclock.local_today() - timedelta(days=days_ago)).isoformat(),
            "weather": "晴，5～16℃，东北风2级", "works": "3#楼三层顶板钢筋绑扎，4#楼基础垫层浇筑。",
            "inspections": "检查3#楼三层顶板钢筋间距与保护层。", "problems": "局部钢筋保护层垫块缺失。",
            "handling": "要求施工单位补设垫块，复查合格。", "instructions": "混凝土浇筑前完成隐蔽验收。", **kw}


def seed_site_records() -> dict[str, int]:
    """Write and review the demo records once (with the demo cases; skipped when records exist);
    returns the counts."""
    if not settings.current().demo_order_cases or db.session.scalar(select(SupervisionRecord.id).limit(1)):
        return {}
    base = deployments.bundle_from_dirs()
    deployments.deploy(deployments.Bundle({n: b for n, b in base.files.items() if n.startswith(review_case.PROCESS_KEY)},
                                          {n: b for n, b in base.forms.items() if n.startswith(review_case.PROCESS_KEY)}))
    writer, chief = _actor("supervisor"), _actor("chief_supervisor")
    today = wallclock.local_today()
    with transaction():
        silent = db.session.scalar(select(Project).where(Project.code == SILENT))
        silent.planned_start = silent.planned_start or today - timedelta(days=30)
    approved = records.write_record(writer, PROJECT, "log", _log(4))
    review.review_record(chief, approved, {"decision": "approve", "opinion": "记录完整。"})
    returned = records.write_record(writer, PROJECT, "log", _log(3, problems="无"))
    review.review_record(chief, returned, {"decision": "return", "opinion": "未写明当日旁站的关键工序，请补充。"})
    revised = records.write_record(writer, PROJECT, "log", _log(2, inspections="巡视"))
    review.review_record(chief, revised, {"decision": "return", "opinion": "检查情况过于简略。"})
    records.revise_record(writer, revised, _log(2, inspections="巡视3#楼、4#楼作业面，抽查钢筋间距10处。"))
    records.write_record(writer, PROJECT, "log", _log(1))
    start = wallclock.local_day_start(today - timedelta(days=2)) + timedelta(hours=8, minutes=30)
    side = records.write_record(writer, PROJECT, "side_station", {
        "record_date": (today - timedelta(days=2)).isoformat(), "process": "C35混凝土浇筑（三层顶板）",
        "location": "3#楼三层顶板②～⑥轴", "started_at": start.isoformat(),
        "ended_at": (start + timedelta(hours=5, minutes=40)).isoformat(),
        "works": "泵送浇筑，坍落度抽测 180mm，留置试块两组。", "problems": "⑤轴处振捣不密实。", "handling": "要求补振，复查合格。"})
    review.review_record(chief, side, {"decision": "approve"})
    records.write_record(writer, PROJECT, "parallel_inspection", {
        "record_date": (today - timedelta(days=1)).isoformat(), "item": "钢筋保护层厚度", "location": "3#楼二层框架柱",
        "findings": "抽测 10 点，3 点实测 18mm，设计 25mm，超出允许偏差 ±5mm。", "result": "unqualified"})
    return {"supervision_records": 6, "supervision_log_reminders": reminders.remind_missing_logs()}
