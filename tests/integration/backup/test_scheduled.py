"""The daily beat backup with retention, and the administrators' page listing the backups."""
from __future__ import annotations

import datetime as dt
import re

from flask import current_app

from app import settings
from app.infra import wallclock
from app.tasks.backup import scheduled
from tests.support.factories import PASSWORD, gen_user
from tests.support.settings import change_settings

# 10:00 in China on each day
RUNS = ["2026-01-10", "2026-02-10", "2026-02-20", "2026-02-26", "2026-02-27", "2026-02-28"]


def _at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T02:00:00+00:00")


def test_daily_runs_keep_the_newest_of_days_weeks_and_months(app, monkeypatch):
    assert current_app.config["CELERY_BEAT_SCHEDULE"]["backup-scheduled"]["task"] == "backup.scheduled"
    change_settings(monkeypatch, app, backup_keep_daily=2, backup_keep_weekly=2, backup_keep_monthly=2)
    results = []
    for day in RUNS:
        with wallclock.frozen(_at(day)):
            results.append(scheduled.apply().get())
    assert all(r["verified"] for r in results)
    on_disk = sorted(p.name[9:17] for p in (settings.current().backup_dir).glob("*.tar"))
    assert on_disk == ["20260110", "20260220", "20260227", "20260228"]
    assert [len(r["pruned"]) for r in results] == [0, 0, 0, 1, 0, 1]


def _admin_page(app, query: str = "") -> str:
    gen_user("sys_admin", username="root1")
    client = app.test_client()
    assert client.post("/login", data={"username": "root1", "password": PASSWORD}).status_code == 302
    answer = client.get(f"/admin/backups{query}")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_the_page_lists_backups_with_size_and_verification_state(app):
    with wallclock.frozen(_at("2026-02-27")):
        first = scheduled.apply().get()["backup"]
    with wallclock.frozen(_at("2026-02-28")):
        second = scheduled.apply().get()["backup"]
    (settings.current().backup_dir / first).unlink()
    html = _admin_page(app)
    assert f'data-backup="{second}" data-state="ok"' in html and "校验通过" in html
    assert f'data-backup="{first}" data-state="missing"' in html and "文件缺失" in html
    assert "2026-02-28 10:00" in html and "定时" in html
    assert re.search(r'data-th="大小">\d+(\.\d)? (KB|MB)</td>', html)  # a size in words, whatever it is
    assert "暂无归档" in html


def test_the_page_in_english(app):
    with wallclock.frozen(_at("2026-02-28")):
        scheduled.apply().get()
    html = _admin_page(app, "?lang=en")
    assert "Backups" in html and "Verified" in html and "Scheduled" in html and "No archives yet." in html
    assert "校验通过" not in html


def test_the_api_queues_a_backup_for_an_administrator_and_lists_it(app):
    from tests.support.client import ApiClient

    gen_user("sys_admin", username="root7", password=app.config["DEMO_PASSWORD"])
    gen_user("auditor", username="audit7", password=app.config["DEMO_PASSWORD"])
    api = ApiClient(app.test_client(), app.config["DEMO_PASSWORD"])
    assert api.post("/api/v1/backups", as_user="audit7").status_code == 403
    assert api.get("/api/v1/backups", as_user="audit7").status_code == 403
    queued = api.post("/api/v1/backups", as_user="root7")
    assert queued.status_code == 202 and queued.get_json()["data"] == {"queued": True}
    listed = api.get("/api/v1/backups", as_user="root7").get_json()["data"]
    assert [(b["kind"], b["state"]) for b in listed] == [("manual", "ok")]
    assert (settings.current().backup_dir / listed[0]["filename"]).is_file()
