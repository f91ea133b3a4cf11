"""A device-alarm task says which device, which metric, the value, the threshold, the first and
last time and how often it repeated (issue 15), on the task read, the API and the task page."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import DeviceAlarm
from app.services.casework import task_reads
from app.services.ingestion.ingest import ingest_messages
from app.services.workflow import cases
from tests.integration.web.conftest import Browser

from .conftest import crane, open_tasks, user


def facts(view: dict) -> dict:
    return {f["label"]: f["value"] for f in view["summary"]}


def test_alarm_task_shows_the_device_metric_values_times_and_repeats(deployed, clock, api):
    ingest_messages([crane(104)])
    case = db.session.scalar(select(DeviceAlarm.instance_id))
    clock.advance(minutes=30)
    ingest_messages([crane(108)])
    clock.advance(minutes=15)
    ingest_messages([crane(111)])
    [row] = open_tasks(case, "handle_alarm")
    assert row.subject_title == "1#塔吊 QTZ80（JS001-TC-01）载重报警"

    shown = facts(task_reads.task_detail(user("contractor_pm"), row.id))
    assert shown["设备"] == "塔式起重机 1#塔吊 QTZ80（JS001-TC-01）"
    assert shown["监测指标"] == "载重（报警）"
    unit = db.session.scalar(select(DeviceAlarm.unit))  # the metric's unit, as the alarm stored it
    assert shown["报警值"] == f"104 {unit}" and shown["最近一次数值"] == f"111 {unit}"
    assert shown["阈值"].endswith(f" {unit}")
    assert shown["首次报警时间"] == "2026-05-04 10:00"
    assert shown["最近报警时间"] == "2026-05-04 10:45"
    assert shown["重复次数"] == "3 次"
    assert shown["工程项目"] == "金水湾住宅小区一期工程"

    body = api.get(f"/api/v1/tasks/{row.id}", as_user="contractor_pm").get_json()["data"]
    assert {"label": "重复次数", "kind": "text", "value": "3 次"} in body["summary"]
    page = Browser(deployed)("contractor_pm").get(f"/tasks/{row.id}").get_data(as_text=True)
    assert page.index("最近报警时间") < page.index("办理表单")
    assert "2026-05-04 10:45" in page and "3 次" in page


def test_the_reviewer_sees_the_answer_and_a_returned_answer_comes_back(deployed):
    ingest_messages([crane(104)])
    case = db.session.scalar(select(DeviceAlarm.instance_id))
    answer = {"cause": "吊重超过额定起重量", "measures": "停止作业，卸载后重新吊装", "disposed_at": "2026-05-04"}
    cases.complete_task(user("contractor_pm"), open_tasks(case, "handle_alarm")[0].id, answer)
    [review] = open_tasks(case, "review_disposal")
    shown = facts(task_reads.task_detail(user("district_safety"), review.id))
    assert shown["预警原因"] == answer["cause"] and shown["处置措施"] == answer["measures"]
    cases.complete_task(user("district_safety"), review.id,
                        {"review_result": "return", "review_opinion": "未附处置照片"})
    [again] = open_tasks(case, "handle_alarm")
    view = task_reads.task_detail(user("contractor_pm"), again.id, with_values=True)
    assert view["returned"]["reason"] == "未附处置照片"
    assert view["form"]["previous"] == answer
    page = Browser(deployed)("contractor_pm").get(f"/tasks/{again.id}").get_data(as_text=True)
    assert "此表单已被退回" in page and "未附处置照片" in page
    assert 'value="停止作业，卸载后重新吊装"' in page or ">停止作业，卸载后重新吊装<" in page


def test_after_a_submit_the_page_says_who_has_the_case_and_the_inbox_names_the_device(deployed):
    ingest_messages([crane(104)])
    case = db.session.scalar(select(DeviceAlarm.instance_id))
    [row] = open_tasks(case, "handle_alarm")
    pm = Browser(deployed)("contractor_pm")
    inbox = pm.get("/inbox").get_data(as_text=True)
    assert "1#塔吊 QTZ80（JS001-TC-01）载重报警" in inbox
    r = pm.post(f"/tasks/{row.id}", data={"cause": "吊重超限", "measures": "卸载后重新吊装",
                                          "disposed_at": "2026-05-04"})
    assert r.status_code == 302
    shown = pm.get(r.headers["Location"]).get_data(as_text=True)
    assert "已提交。接下来：「审核预警处置」由安监站监督员办理。" in shown
