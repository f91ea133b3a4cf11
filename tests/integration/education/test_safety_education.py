"""Safety education through the API as the demo users do: the roster, sessions with exam results,
the ledger of who has not passed the three entry levels, scope, bad input, reminders, export."""
from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.infra import wallclock
from app.models import EducationReminder, Notification, SiteWorker, User
from app.services.demo import seed
from app.services.safety_education import reminders
from tests.support.browsers import signed_in
from tests.support.client import ApiClient
from tests.support.settings import change_settings

CARD = "410102199001010012"


@pytest.fixture
def api(sqlite_app, monkeypatch):
    change_settings(monkeypatch, sqlite_app, demo_order_cases=True)
    seed.load_demo(sqlite_app.config["DEMO_PASSWORD"])
    return ApiClient(sqlite_app.test_client(), sqlite_app.config["DEMO_PASSWORD"])


def _ledger(api, project="JS-2026-001", user="contractor_pm"):
    r = api.get(f"/api/v1/projects/{project}/education", user)
    assert r.status_code == 200, r.get_json()
    return r.get_json()["data"]


def _worker(api, project="JS-2026-001", user="safety_officer", **kw):
    return api.post(f"/api/v1/projects/{project}/workers", user, json={
        "name": "孙立", "id_card_no": CARD, "trade": "钢筋工", "team": "钢筋班组", "entered_on": "2026-01-05", **kw})


def _session(api, attendees, project="JS-2026-001", user="safety_officer", **kw):
    return api.post(f"/api/v1/projects/{project}/education-sessions", user, json={
        "kind": "company", "held_on": wallclock.local_today().isoformat(), "topic": "公司级安全教育",
        "trainer": "李娜", "hours": 8, "attendees": attendees, **kw})


def test_the_ledger_lists_who_has_not_passed_all_three_entry_levels(api):
    ledger = _ledger(api)
    assert (ledger["workers_on_site"], ledger["educated"]) == (6, 4)
    missing = {w["name"]: w["missing_labels"] for w in ledger["not_educated"]}
    assert missing == {"陈志强": ["公司级安全教育"],  # scored 55 at the company level
                       "赵红军": ["项目级安全教育", "班组级安全教育"]}  # the newcomer
    # The pass rate counted independently: every examined attendance of the demo.
    scores = [55, 82, 82, 82, 82, 76] + [88] * 5 + [90] * 5 + [71] * 3
    assert ledger["pass_rate"] == round(sum(s >= 60 for s in scores) / len(scores), 4)
    assert all("*" in w["id_card"] and len(w["id_card"]) == 18 for w in ledger["workers"])
    company = next(s for s in ledger["sessions"] if s["kind"] == "company")
    detail = api.get(f"/api/v1/education-sessions/{company['id']}", "district_safety").get_json()["data"]
    assert [(r["name"], r["passed"]) for r in detail["results"] if not r["passed"]] == [("陈志强", False)]
    assert company["pass_rate"] == round(5 / 6, 4) and company["kind_label"] == "公司级安全教育"


def test_a_new_worker_passes_the_three_levels_and_becomes_educated(api):
    r = _worker(api)
    assert r.status_code == 201, r.get_json()
    wid = r.get_json()["data"]["id"]
    assert "孙立" in {w["name"] for w in _ledger(api)["not_educated"]}
    for kind in ("company", "project", "team"):
        assert _session(api, [{"worker_id": wid, "score": 75}], kind=kind).status_code == 201
    assert "孙立" not in {w["name"] for w in _ledger(api)["not_educated"]}
    # Leaving the site takes him off the ledger's roster.
    assert api.post(f"/api/v1/workers/{wid}/leave", "contractor_pm", json={}).status_code == 200
    assert "孙立" not in {w["name"] for w in _ledger(api)["workers"]}


def test_the_id_card_number_is_never_stored_and_a_second_entry_is_refused(api):
    assert _worker(api).status_code == 201
    again = _worker(api, name="另一个名字")
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "worker_exists")
    stored = db.session.execute(select(SiteWorker.id_card_sha256, SiteWorker.id_card_masked)).all()
    assert not any(CARD in (digest + masked) for digest, masked in stored)
    # Another project may have the same worker: the roster is per project.
    assert _worker(api, project="EQ-2026-001", user="contractor_pm2").status_code == 201


def test_other_projects_and_districts_see_and_write_nothing(api):
    worker = _ledger(api)["workers"][0]["id"]
    for user in ("contractor_pm2", "district_safety2"):
        assert api.get("/api/v1/projects/JS-2026-001/education", user).status_code == 404
        assert api.get("/api/v1/projects/JS-2026-001/education/export", user).status_code == 404
    assert _worker(api, user="contractor_pm2").status_code == 404
    assert api.post(f"/api/v1/workers/{worker}/leave", "contractor_pm2", json={}).status_code == 404
    sessions = api.get("/api/v1/education-sessions", "contractor_pm2").get_json()["data"]
    assert sessions == []
    # A session on his own project cannot name a worker of another project's roster.
    r = _session(api, [{"worker_id": worker, "score": 90}], project="EQ-2026-001", user="contractor_pm2")
    assert (r.status_code, list(r.get_json()["error"]["fields"])) == (422, ["attendees"])
    # The supervisor sees the project but does not keep its education records.
    r = _session(api, [{"worker_id": worker, "score": 90}], user="supervisor")
    assert (r.status_code, r.get_json()["error"]["code"]) == (403, "project_role_required")
    assert api.get("/api/v1/projects/JS-2026-001/education", "district_safety").status_code == 200


BAD_SESSIONS = [({"kind": "lecture"}, "kind"), ({"hours": 0}, "hours"), ({"hours": "8"}, "hours"),
                ({"held_on": "2099-01-01"}, "held_on"), ({"attendees": []}, "attendees"),
                ({"approved_by": "district_safety"}, "approved_by"), ({"topic": ""}, "topic")]


def test_bad_sessions_are_refused_with_the_field_named(api):
    worker = _ledger(api)["workers"][0]["id"]
    before = len(_ledger(api)["sessions"])
    for change, field in BAD_SESSIONS:
        r = _session(api, change.pop("attendees", [{"worker_id": worker, "score": 90}]), **change)
        assert r.status_code == 422 and field in r.get_json()["error"]["fields"], (field, r.get_json())
    assert len(_ledger(api)["sessions"]) == before


def test_bad_scores_and_workers_are_refused(api):
    worker = _ledger(api)["workers"][0]["id"]
    for attendees in ([{"worker_id": worker, "score": 101}], [{"worker_id": worker, "score": True}]):
        r = _session(api, attendees)
        assert r.status_code == 422 and "attendees.0.score" in r.get_json()["error"]["fields"], r.get_json()
    for attendees in ([{"worker_id": worker}, {"worker_id": worker}], [{"worker_id": 99999}], ["x"]):
        assert _session(api, attendees).status_code == 422
    r = _worker(api, id_card_no="41010219900101001")
    assert r.status_code == 422 and "id_card_no" in r.get_json()["error"]["fields"]


def _told(username: str) -> int:
    uid = db.session.scalar(select(User.id).where(User.username == username))
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == uid, Notification.title == "安全教育预警")) or 0


def test_a_project_without_education_for_30_days_is_reminded_once(api):
    # The demo's sweep told JS-2026-002 (last session 45 days ago) and nobody else.
    [reminder] = db.session.scalars(select(EducationReminder))
    assert reminder.project.code == "JS-2026-002" and "45 天" in reminder.message
    assert (_told("contractor_pm"), _told("safety_officer"), _told("district_safety")) == (1, 1, 1)
    assert (_told("contractor_pm2"), _told("district_safety2")) == (0, 0)
    assert reminders.sweep() == 0  # the same day again: nothing new
    with wallclock.frozen(wallclock.now() + timedelta(days=31)):
        assert reminders.sweep() == 5  # 002 again; 001 (last session 32 days ago); the three never educated
    told = [r.project.code for r in db.session.scalars(select(EducationReminder))]
    assert sorted(told) == ["EQ-2026-001", "EQ-2026-002", "JS-2026-001", "JS-2026-002", "JS-2026-002", "JS-2026-003"]
    assert _told("contractor_pm2") == 2  # his two projects


def test_the_ledger_exports_to_excel(api):
    r = api.get("/api/v1/projects/JS-2026-001/education/export", "district_safety")
    assert r.status_code == 200
    book = load_workbook(BytesIO(r.data))
    assert book.sheetnames == ["教育培训记录", "未完成三级教育人员"]
    rows = list(book["未完成三级教育人员"].values)
    assert rows[0][0] == "姓名" and {row[0] for row in rows[1:]} == {"陈志强", "赵红军"}
    assert len(list(book["教育培训记录"].values)) == 1 + 5


def _csrf(page: str) -> str:
    import re
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_page_shows_the_ledger_and_the_safety_officer_records_a_session(api, sqlite_app):
    browser = signed_in(sqlite_app, "safety_officer")
    page = browser.get("/projects/JS-2026-001/education").get_data(as_text=True)
    assert "未完成三级安全教育的人员" in page and "陈志强" in page and "公司级安全教育" in page
    assert "410103199412300036" not in page and "4101**********0036" in page  # masked only
    worker = next(w for w in _ledger(api)["not_educated"] if w["name"] == "陈志强")
    r = browser.post("/projects/JS-2026-001/education-sessions", data={
        "csrf_token": _csrf(page), "kind": "company", "held_on": wallclock.local_today().isoformat(),
        "topic": "公司级安全教育补考", "trainer": "李娜", "hours": "4", "worker_ids": [str(worker["id"])],
        f"score_{worker['id']}": "78"})
    assert r.status_code == 302
    assert "陈志强" not in {w["name"] for w in _ledger(api)["not_educated"]}
    # A contractor of another project, and the supervisor, see no forms / no page.
    assert signed_in(sqlite_app, "contractor_pm2").get("/projects/JS-2026-001/education").status_code == 404
    supervisor_page = signed_in(sqlite_app, "supervisor").get("/projects/JS-2026-001/education").get_data(as_text=True)
    assert "教育培训记录" in supervisor_page and "登记培训" not in supervisor_page and "人员进场登记" not in supervisor_page


def test_the_session_list_pages_through_every_session(api):
    """The API list once answered the newest 500 and no more; it pages with limit/offset and says
    its total."""
    total = api.get("/api/v1/education-sessions", "district_safety").get_json()["meta"]["total"]
    wid = _worker(api).get_json()["data"]["id"]
    for n in range(3):
        assert _session(api, [{"worker_id": wid, "score": 80}], topic=f"分页专项培训{n}").status_code == 201
    everything = api.get("/api/v1/education-sessions?limit=500", "district_safety").get_json()
    assert everything["meta"]["total"] == total + 3 == len(everything["data"])
    pages = [api.get(f"/api/v1/education-sessions?limit=2&offset={o}", "district_safety").get_json()["data"]
             for o in range(0, total + 3, 2)]
    assert [s["id"] for page in pages for s in page] == [s["id"] for s in everything["data"]]
    assert api.get("/api/v1/education-sessions?limit=0", "district_safety").status_code == 422
