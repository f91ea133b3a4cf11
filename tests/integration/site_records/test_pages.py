"""The supervision-record pages: a supervisor writes a log on the project's page, the chief
supervisor returns it and approves the revision, officials read them; another district gets 404."""
from __future__ import annotations

from tests.integration.site_records.support import day, log_body, side_station_body, write
from tests.support.browsers import signed_in


def test_a_log_is_written_returned_revised_and_approved_on_pages(demo_data):
    supervisor, chief = signed_in(demo_data, "supervisor"), signed_in(demo_data, "chief_supervisor")
    html = supervisor.get("/projects/JS-2026-001/supervision-records").get_data(as_text=True)
    assert 'id="new-log"' in html and 'id="new-side_station"' in html and 'id="new-parallel_inspection"' in html
    r = supervisor.post("/projects/JS-2026-001/supervision-records", data={"kind": "log", **log_body()})
    assert r.status_code == 302, r.get_data(as_text=True)
    record_url = r.location
    assert 'id="review"' not in supervisor.get(record_url).get_data(as_text=True)
    r = chief.post(f"{record_url}/review", data={"decision": "return", "opinion": ""})
    assert "退回时请写明原因" in chief.get(r.location).get_data(as_text=True)
    chief.post(f"{record_url}/review", data={"decision": "return", "opinion": "请写明检查部位。"})
    html = supervisor.get(record_url).get_data(as_text=True)
    assert "已退回" in html and "请写明检查部位。" in html and 'id="revise"' in html
    supervisor.post(record_url, data={**log_body(), "inspections": "检查3#楼三层顶板。"})
    html = chief.get(record_url).get_data(as_text=True)
    assert "待审核" in html and "检查3#楼三层顶板。" in html and 'id="review"' in html
    chief.post(f"{record_url}/review", data={"decision": "approve", "opinion": ""})
    html = signed_in(demo_data, "district_quality").get(record_url).get_data(as_text=True)
    assert "已审核" in html and 'id="record-pdf"' in html and "submitted" not in html
    listing = signed_in(demo_data, "district_quality").get("/supervision-records").get_data(as_text=True)
    assert "JS-2026-001-RZ0001" in listing and "金水湾住宅小区一期工程" in listing


def test_a_side_station_record_in_china_time_and_field_errors_by_label(demo_data):
    supervisor = signed_in(demo_data, "supervisor")
    body = {**side_station_body(), "kind": "side_station", "started_at": f"{day()}T08:30", "ended_at": f"{day()}T14:10"}
    r = supervisor.post("/projects/JS-2026-001/supervision-records", data=body)
    html = supervisor.get(r.location).get_data(as_text=True)
    assert f"{day()} 08:30" in html and f"{day()} 14:10" in html
    r = supervisor.post("/projects/JS-2026-001/supervision-records", data={**body, "process": ""})
    assert "旁站的关键部位、关键工序" in supervisor.get(r.location).get_data(as_text=True)


def test_pages_are_scoped(demo_data, api):
    record_id = write(api)
    other = signed_in(demo_data, "contractor_pm2")
    assert other.get(f"/supervision-records/{record_id}").status_code == 404
    assert other.get("/projects/JS-2026-001/supervision-records").status_code == 404
    assert "JS-2026-001-RZ0001" not in other.get("/supervision-records").get_data(as_text=True)
    html = signed_in(demo_data, "owner_rep").get("/projects/JS-2026-001/supervision-records").get_data(as_text=True)
    assert "JS-2026-001-RZ0001" in html and 'id="new-log"' not in html


def test_the_pages_speak_english(demo_data, api):
    record_id = write(api)
    browser = signed_in(demo_data, "chief_supervisor")
    html = browser.get(f"/supervision-records/{record_id}?lang=en").get_data(as_text=True)
    assert all(w in html for w in ("Supervision log", "Awaiting review", "Weather", "Chief supervisor's review",
                                   "Opinion (required when returning)"))
    assert "天气情况" not in html and "总监理工程师审核" not in html
    html = browser.get("/projects/JS-2026-001/supervision-records").get_data(as_text=True)
    assert "New Side-station record" in html and "Export to Excel" in html and "旁站开始时间" not in html


def test_the_review_and_the_revision_are_worked_on_the_task_pages(demo_data):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import InboxTask, SupervisionRecord
    from app.services.site_records import review_case

    supervisor, chief = signed_in(demo_data, "supervisor"), signed_in(demo_data, "chief_supervisor")
    r = supervisor.post("/projects/JS-2026-001/supervision-records", data={"kind": "log", **log_body()})
    record_id = int(r.location.rsplit("/", 1)[1])

    def open_task() -> InboxTask:
        db.session.expire_all()
        case = review_case.open_case(record_id)
        return db.session.scalar(select(InboxTask).where(InboxTask.instance_id == case.id, InboxTask.status == "open"))

    review = open_task()
    html = chief.get(f"/tasks/{review.id}").get_data(as_text=True)
    assert "监理记录审核" in html and "JS-2026-001-RZ0001" in html and "检查钢筋间距与保护层。" in html
    english = chief.get(f"/tasks/{review.id}?lang=en").get_data(as_text=True)
    assert "Return for revision" in english and "Review opinion" in english
    chief.post(f"/tasks/{review.id}", data={"review_decision": "return", "review_opinion": "请写明检查部位。"})
    revise = open_task()
    assert revise.task_name == "revise_log"
    html = supervisor.get(f"/tasks/{revise.id}").get_data(as_text=True)
    assert "修改监理日志" in html and "请写明检查部位。" in html and "天气情况" in html
    en = supervisor.get(f"/tasks/{revise.id}?lang=en").get_data(as_text=True)
    assert "Weather" in en and "Record type" in en and "Returned by" in en
    fields = {f"revised_log.{k}": v for k, v in log_body(inspections="检查3#楼三层顶板。").items()}
    r = supervisor.post(f"/tasks/{revise.id}", data=fields)
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    db.session.expire_all()
    row = db.session.get(SupervisionRecord, record_id)
    assert (row.status, row.revisions, row.content["inspections"]) == ("submitted", 1, "检查3#楼三层顶板。")
    assert open_task().task_name == "review"
