"""The task shows its case (issue 15): each task of the plan review names its hazardous work, a
returned plan form comes back filled with the return reason on top, the chief supervisor sees
which plan file is current and the experts see the meeting's date and venue."""
from __future__ import annotations

from app.services.casework import task_reads
from app.services.workflow import cases
from tests.support.processes import actor, my_task

from .plan_steps import COMPILE, organize, seat_users, tech
from .support import start, upload, work


def facts(username: str, iid: int, task_name: str) -> dict:
    shown = task_reads.task_detail(actor(username), my_task(username, iid, task_name).id)["summary"]
    return {f["label"]: f["value"] for f in shown}


def compile_with(iid: int, filename: str, **changes) -> int:
    row = my_task("contractor_pm", iid, "compile_plan")
    file_id = upload("contractor_pm", row.id, name=filename)
    cases.complete_task(actor("contractor_pm"), row.id, {**COMPILE, "plan_file": [file_id], **changes})
    return file_id


def test_returned_plan_comes_back_filled_and_the_chief_sees_the_current_file(hz):
    w = work(code="WD-02")
    iid = start("contractor_pm", "hazardous_plan_review", w)
    first = my_task("contractor_pm", iid, "compile_plan")
    assert first.subject_title == "地下车库顶板高支模（金水湾住宅小区一期工程）"
    view = task_reads.task_detail(actor("contractor_pm"), first.id, with_values=True)
    assert view["returned"] is None and view["form"]["previous"] == {}
    assert {"危大工程": "WD-02 地下车库顶板高支模", "工程项目": "金水湾住宅小区一期工程"}.items() \
        <= facts("contractor_pm", iid, "compile_plan").items()

    old = compile_with(iid, "方案第一版.pdf")
    assert facts("tech_lead", iid, "tech_review")["方案名称"] == COMPILE["plan_name"]
    tech(iid, reason="缺少支撑体系计算书")

    again = my_task("contractor_pm", iid, "compile_plan")
    view = task_reads.task_detail(actor("contractor_pm"), again.id, with_values=True)
    assert view["returned"] == {"reason": "缺少支撑体系计算书", "by": "施工单位技术负责人"}
    assert view["form"]["previous"] == {**COMPILE, "plan_file": [old]}
    assert task_reads.previous_submission(actor("contractor_pm"), again.id)["plan_file"] == [old]

    new = compile_with(iid, "方案第二版.pdf", plan_name="高支模专项方案（修订）")
    tech(iid)
    shown = facts("chief_supervisor", iid, "chief_review")
    assert shown["方案名称"] == "高支模专项方案（修订）"
    assert shown["方案文件"] == [{"id": new, "filename": "方案第二版.pdf", "current": True},
                              {"id": old, "filename": "方案第一版.pdf", "current": False}]


def test_an_optional_field_emptied_in_the_next_round_keeps_no_value_of_the_last(hz):
    """A plan sent back and compiled again without its summary: the reviewer must not see the
    first round's summary as if it were the new plan's."""
    w = work(code="WD-02")
    iid = start("contractor_pm", "hazardous_plan_review", w)
    compile_with(iid, "方案第一版.pdf")
    assert facts("tech_lead", iid, "tech_review")["方案概要"] == COMPILE["plan_summary"]
    tech(iid, reason="缺少支撑体系计算书")
    without_summary = {k: v for k, v in COMPILE.items() if k != "plan_summary"}
    row = my_task("contractor_pm", iid, "compile_plan")
    file_id = upload("contractor_pm", row.id, name="方案第二版.pdf")
    cases.complete_task(actor("contractor_pm"), row.id, {**without_summary, "plan_file": [file_id]})
    shown = facts("tech_lead", iid, "tech_review")
    assert shown.get("方案概要") in (None, "", "—") and shown["方案名称"] == COMPILE["plan_name"]


def test_experts_see_the_meeting_date_and_venue(hz):
    w = work(code="WD-01")
    iid = start("contractor_pm", "hazardous_plan_review", w)
    compile_with(iid, "深基坑方案.pdf")
    tech(iid)
    cases.complete_task(actor("chief_supervisor"), my_task("chief_supervisor", iid, "chief_review").id,
                        {"chief_decision": "pass", "chief_opinion": "同意"})
    organize(iid)
    expert = seat_users(iid)[0]
    shown = facts(expert, iid, "give_opinion")
    assert shown["论证会日期"] == "2026-03-12"
    assert shown["论证会地点"] == "金水区安监站会议室"
    assert len(shown["专家组"]) == 5
    assert shown["方案文件"][0]["filename"] == "深基坑方案.pdf" and shown["方案文件"][0]["current"]
    assert my_task(expert, iid, "give_opinion").subject_title == "1#地块深基坑开挖与支护（金水湾住宅小区一期工程）"
