"""Writing supervision records through the API as the demo supervisors do."""
from __future__ import annotations

from datetime import timedelta

from app.infra import wallclock

PATHS = {"log": "supervision-logs", "side_station": "side-station-records", "parallel_inspection": "parallel-inspections"}


def day(days_ago: int = 0) -> str:
    return (wallclock.local_today() - timedelta(days=days_ago)).isoformat()


def log_body(**kw) -> dict:
    return {"record_date": day(), "weather": "晴，5～16℃", "works": "3#楼三层顶板钢筋绑扎。",
            "inspections": "检查钢筋间距与保护层。", "problems": "局部垫块缺失。", "handling": "当场补设，复查合格。",
            "instructions": "浇筑前完成隐蔽验收。", **kw}


def side_station_body(**kw) -> dict:
    return {"record_date": day(), "process": "C35混凝土浇筑（三层顶板）", "location": "3#楼三层顶板②～⑥轴",
            "started_at": f"{day()}T08:30:00+08:00", "ended_at": f"{day()}T14:10:00+08:00",
            "works": "泵送浇筑，留置试块两组。", "problems": "⑤轴处振捣不密实。", "handling": "要求补振，复查合格。", **kw}


def inspection_body(**kw) -> dict:
    return {"record_date": day(), "item": "钢筋保护层厚度", "location": "3#楼二层框架柱",
            "findings": "抽测 10 点，实测 24～27mm。", "result": "qualified", **kw}


BODIES = {"log": log_body, "side_station": side_station_body, "parallel_inspection": inspection_body}


def write(api, kind: str = "log", project: str = "JS-2026-001", user: str = "supervisor", **kw) -> int:
    r = api.post(f"/api/v1/projects/{project}/{PATHS[kind]}", user, json=BODIES[kind](**kw))
    assert r.status_code == 201, r.get_json()
    return r.get_json()["data"]["id"]


def review(api, record_id: int, decision: str, opinion: str | None = None, user: str = "chief_supervisor"):
    body = {"decision": decision, **({"opinion": opinion} if opinion is not None else {})}
    return api.post(f"/api/v1/supervision-records/{record_id}/review", user, json=body)
