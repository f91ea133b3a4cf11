"""Demo data of safety education, every state once: a roster on JS-2026-001 where most workers
passed all three entry levels, one failed the company-level exam (score 55) and one new worker
has only the company level; pre-shift and special trainings; JS-2026-002 whose last session was
45 days ago (the daily sweep's reminder) and JS-2026-003 with no education at all."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app import settings
from app.extensions import db
from app.infra import wallclock
from app.models import SiteWorker, User
from app.services.access.actors import Actor, actor_for
from app.services.safety_education import reminders, roster, sessions

WORKERS = [  # (name, ID card number, trade, team)
    ("王建国", "410102198503120011", "钢筋工", "钢筋班组（郑州力拓劳务）"),
    ("李海涛", "410105199007230032", "木工", "木工班组（郑州力拓劳务）"),
    ("张卫东", "41010419880215005X", "架子工", "架子工班组（河南宏业劳务）"),
    ("刘长青", "410181199211080074", "混凝土工", "混凝土班组（河南宏业劳务）"),
    ("陈志强", "410122198709090015", "电工", "机电班组（郑州力拓劳务）"),
    ("赵红军", "410103199412300036", "塔吊司机", "机械班组（河南宏业劳务）"),
]


def _actor(username: str) -> Actor:
    return actor_for(db.session.scalar(select(User).where(User.username == username)))


def _session(keeper: Actor, project: str, kind: str, held_on, topic: str, attendees: list[tuple[int, int | None]]):
    return sessions.record_session(keeper, project, {
        "kind": kind, "held_on": held_on.isoformat(), "topic": topic, "trainer": "李娜", "hours": 2 if kind != "company" else 8,
        "content": f"{topic}。", "attendees": [{"worker_id": w, "score": s} for w, s in attendees]})


def seed_education() -> dict[str, int]:
    """Load the safety-education demo once, with the demo cases (skipped when a roster exists)."""
    if not settings.current().demo_order_cases or db.session.scalar(select(SiteWorker.id).limit(1)):
        return {}
    keeper = _actor("safety_officer")
    today = wallclock.local_today()
    day = lambda n: today - timedelta(days=n)  # noqa: E731
    ids = [roster.add_worker(keeper, "JS-2026-001", {"name": n, "id_card_no": c, "trade": t, "team": team,
                                                    "entered_on": day(20).isoformat()})
           for n, c, t, team in WORKERS]
    veterans, newcomer = ids[:-1], ids[-1]
    _session(keeper, "JS-2026-001", "company", day(19), "公司级安全教育：法律法规与安全生产责任",
             [(w, 55 if w == veterans[-1] else 82) for w in veterans] + [(newcomer, 76)])
    _session(keeper, "JS-2026-001", "project", day(18), "项目级安全教育：现场危险源与应急预案",
             [(w, 88) for w in veterans])
    _session(keeper, "JS-2026-001", "team", day(17), "班组级安全教育：本工种安全操作规程",
             [(w, 90) for w in veterans])
    _session(keeper, "JS-2026-001", "pre_shift", day(1), "班前教育：高处作业系挂安全带", [(w, None) for w in ids])
    _session(keeper, "JS-2026-001", "special", day(3), "专题教育：深基坑临边防护", [(w, 71) for w in veterans[:3]])
    other = roster.add_worker(keeper, "JS-2026-002", {"name": "周永刚", "id_card_no": "410106198601010018",
                                                     "trade": "普工", "team": "普工班组（河南宏业劳务）",
                                                     "entered_on": day(60).isoformat()})
    _session(keeper, "JS-2026-002", "company", day(45), "公司级安全教育：法律法规与安全生产责任", [(other, 80)])
    return {"site_workers": len(ids) + 1, "education_sessions": 6, "education_reminders": reminders.sweep()}
