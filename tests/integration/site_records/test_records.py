"""Supervision records: the project's supervisors write them (numbered per project and kind),
they are validated field by field, scoped like their project, and the chief supervisor approves
them (the PDF is issued) or returns them with a reason; the author revises and resubmits."""
from __future__ import annotations

from sqlalchemy import event, select

from app.extensions import db
from app.models import Project, SupervisionRecord, User
from app.services.access.actors import actor_for
from app.services.site_records import records
from tests.integration.site_records.support import PATHS, day, log_body, review, side_station_body, write


def test_records_are_numbered_per_project_and_kind(demo_data, api):
    ids = [write(api), write(api, user="chief_supervisor"), write(api, "side_station"), write(api, "parallel_inspection")]
    listed = api.get("/api/v1/supervision-records?project=JS-2026-001", "owner_rep").get_json()["data"]
    assert sorted((r["id"], r["number"], r["status"]) for r in listed) == [
        (ids[0], "JS-2026-001-RZ0001", "submitted"), (ids[1], "JS-2026-001-RZ0002", "submitted"),
        (ids[2], "JS-2026-001-PZ0001", "submitted"), (ids[3], "JS-2026-001-PX0001", "submitted")]
    logs = api.get("/api/v1/supervision-records?kind=log", "district_quality").get_json()["data"]
    assert [r["id"] for r in logs] == [ids[1], ids[0]]


def test_only_the_projects_supervisors_write(demo_data, api):
    for user in ("contractor_pm", "district_quality", "owner_rep"):
        r = api.post("/api/v1/projects/JS-2026-001/supervision-logs", user, json=log_body())
        assert r.status_code == 403, user
    assert api.post("/api/v1/projects/EQ-2026-001/supervision-logs", "supervisor", json=log_body()).status_code == 404


def test_each_field_is_checked(demo_data, api):
    r = api.post("/api/v1/projects/JS-2026-001/supervision-logs", "supervisor",
                 json=log_body(weather="", record_date="2999-01-01", colour="red", works=7))
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == {"weather", "record_date", "colour", "works"}
    r = api.post("/api/v1/projects/JS-2026-001/side-station-records", "supervisor",
                 json=side_station_body(ended_at=f"{day()}T07:00:00+08:00", started_at=f"{day()}T08:30:00"))
    assert set(r.get_json()["error"]["fields"]) == {"started_at"}
    r = api.post("/api/v1/projects/JS-2026-001/side-station-records", "supervisor",
                 json=side_station_body(ended_at=f"{day()}T07:00:00+08:00"))
    assert set(r.get_json()["error"]["fields"]) == {"ended_at"}
    r = api.post(f"/api/v1/projects/JS-2026-001/{PATHS['parallel_inspection']}", "supervisor",
                 json={"record_date": day(), "item": "x", "location": "y", "findings": "z", "result": "maybe"})
    assert set(r.get_json()["error"]["fields"]) == {"result"}


def test_another_district_sees_nothing(demo_data, api):
    record_id = write(api)
    for user in ("contractor_pm2", "district_safety2"):
        assert api.get(f"/api/v1/supervision-records/{record_id}", user).status_code == 404, user
        assert api.get("/api/v1/supervision-records", user).get_json()["data"] == []
        assert api.get("/api/v1/supervision-records?project=JS-2026-001", user).status_code == 404
        assert api.get("/api/v1/supervision-records/export?project=JS-2026-001", user).status_code == 404
    assert review(api, record_id, "approve", user="contractor_pm2").status_code == 404
    assert api.put(f"/api/v1/supervision-records/{record_id}", "contractor_pm2", json=log_body()).status_code == 404
    assert api.get("/api/v1/supervision-records/999999", "supervisor").status_code == 404


def test_the_chief_returns_with_a_reason_and_the_author_resubmits(demo_data, api):
    record_id = write(api)
    assert review(api, record_id, "return").status_code == 422  # a return needs its reason
    assert review(api, record_id, "approve", user="supervisor").status_code == 403  # not the chief
    r = review(api, record_id, "return", "请写明检查的部位。")
    assert r.status_code == 200 and r.get_json()["data"] == {"id": record_id, "status": "returned", "document_id": None}
    assert review(api, record_id, "approve").get_json()["error"]["code"] == "record_not_submitted"
    assert api.put(f"/api/v1/supervision-records/{record_id}", "chief_supervisor",
                   json=log_body()).get_json()["error"]["code"] == "record_author_only"
    r = api.put(f"/api/v1/supervision-records/{record_id}", "supervisor", json=log_body(inspections="检查3#楼三层顶板。"))
    assert r.status_code == 200, r.get_json()
    row = api.get(f"/api/v1/supervision-records/{record_id}", "district_quality").get_json()["data"]
    assert (row["status"], row["revisions"], row["content"]["inspections"], row["review_opinion"]) == (
        "submitted", 1, "检查3#楼三层顶板。", "请写明检查的部位。")
    assert api.put(f"/api/v1/supervision-records/{record_id}", "supervisor",
                   json=log_body()).get_json()["error"]["code"] == "record_not_returned"


def test_the_chief_cannot_review_his_own_record(demo_data, api):
    record_id = write(api, user="chief_supervisor")
    assert review(api, record_id, "approve").get_json()["error"]["code"] == "review_own_record"


def test_approval_prints_the_record(demo_data, api, tmp_path):
    from tests.unit.notices.conftest import pdf_text, squash

    record_id = write(api, "side_station")
    r = review(api, record_id, "approve", "同意。")
    assert r.status_code == 200, r.get_json()
    document_id = r.get_json()["data"]["document_id"]
    row = api.get(f"/api/v1/supervision-records/{record_id}", "owner_rep").get_json()["data"]
    assert row["status"] == "approved" and row["document_id"] == document_id and row["reviewer_name"]
    pdf = api.get(f"/api/v1/documents/{document_id}/pdf", "district_quality")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = squash(pdf_text(pdf.data, tmp_path))
    expected = ["旁站记录", "JS-2026-001-PZ0001", "C35混凝土浇筑（三层顶板）", "3#楼三层顶板②～⑥轴",
                f"{day()} 08:30", f"{day()} 14:10", "⑤轴处振捣不密实。", "要求补振，复查合格。",
                "孙浩（监理工程师）", "赵军（总监理工程师）"]
    assert [s for s in expected if squash(s) not in text] == []
    assert "未填写" not in text
    assert review(api, record_id, "return", "再看看").get_json()["error"]["code"] == "record_not_submitted"


def _statements(read) -> tuple[object, int]:
    seen = []

    def count(*_args) -> None:
        seen.append(1)
    db.session.expire_all()  # nothing read before counts as known
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        return read(), len(seen)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_the_list_reads_the_records_projects_with_them_not_one_by_one(demo_data, api):
    first = db.session.get(SupervisionRecord, write(api))
    admin = actor_for(db.session.scalar(select(User).where(User.username == "admin")))
    one, statements_for_one = _statements(lambda: records.list_records(admin))
    others = list(db.session.scalars(select(Project).where(Project.id != first.project_id).limit(3)))
    assert len(one) == 1 and len(others) == 3
    for i, project in enumerate(others):
        db.session.add(SupervisionRecord(project_id=project.id, kind="log", number=f"X-{i}", content=first.content,
                                         record_date=first.record_date, author="supervisor", author_name="监理"))
    db.session.commit()
    four, statements_for_four = _statements(lambda: records.list_records(admin))
    assert {r["project_code"] for r in four} == {first.project.code, *(p.code for p in others)}
    assert statements_for_four == statements_for_one
