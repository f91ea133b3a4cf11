"""hazardous_plan_review: compile → tech lead → chief supervisor → (super-scale) expert panel."""
from __future__ import annotations

import pytest

from app.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.models import Expert, Incident, IssuedDocument
from app.services.workflow import cases
from app.services.workflow.incidents import CaseFailedError
from tests.support.processes import actor, context, events, my_task

from .plan_steps import (
    all_opinions,
    chief,
    compile_plan,
    conclude,
    decline,
    opinion,
    organize,
    seat_users,
    signatures,
    tech,
)
from .support import inbox_names, notices, start, status_of, upload, work

EXCLUDED_FOR_JS = {"expert03", "expert05", "expert07"}  # employed by E2, E4, E3: participants of JS-*
GEOTECHNICAL_OK = {"expert01", "expert02", "expert08", "expert10", "expert11", "expert12"}


def history_names(iid: int) -> list[str]:
    return [e["task_name"] for e in cases.case_history(actor("chief_supervisor"), iid) if e["kind"] == "task_completed"]


def test_ordinary_work_is_approved_by_tech_lead_and_chief_without_panel(hz):
    w = work(code="WD-02")
    assert not w.super_scale
    iid = start("contractor_pm", "hazardous_plan_review", w)
    assert inbox_names("contractor_pm", iid) == ["compile_plan"]
    compile_plan(iid)
    assert inbox_names("tech_lead", iid) == ["tech_review"]
    tech(iid)
    assert inbox_names("chief_supervisor", iid) == ["chief_review"]
    result = chief(iid)
    assert result.status == "completed"
    assert status_of(w) == "plan_approved"
    assert events(iid, "expert_draw") == [] and notices(iid) == []
    assert [e.data["to"] for e in events(iid, "work_status")] == ["plan_approved"]


def test_each_return_loops_twice_and_the_reason_reaches_the_compiler(hz_sqlite):
    w = work(code="WD-02")
    iid = start("contractor_pm", "hazardous_plan_review", w)
    assert context("contractor_pm", iid, "compile_plan") == {"returned_by": "", "return_reason": ""}
    for n in (1, 2):
        compile_plan(iid, n)
        tech(iid, reason=f"第{n}次：缺少支撑体系计算书")
        assert context("contractor_pm", iid, "compile_plan") == {
            "returned_by": "施工单位技术负责人", "return_reason": f"第{n}次：缺少支撑体系计算书"}
    for n in (3, 4):
        compile_plan(iid, n)
        tech(iid)
        chief(iid, reason=f"第{n}次：监测点布置不足")
        assert context("contractor_pm", iid, "compile_plan")["return_reason"] == f"第{n}次：监测点布置不足"
        assert status_of(w) == "registered"
    signatures(iid, 5)
    assert status_of(w) == "plan_approved"
    assert history_names(iid) == (["compile_plan", "tech_review"] * 2 + ["compile_plan", "tech_review", "chief_review"] * 3)


def test_super_scale_plan_goes_to_a_drawn_panel_that_passes_it(hz):
    w = work(code="WD-01")
    assert w.super_scale
    iid = start("contractor_pm", "hazardous_plan_review", w)
    signatures(iid)
    assert status_of(w) == "registered"
    assert inbox_names("district_safety", iid) == ["organize_panel"]
    organize(iid)
    [draw] = events(iid, "expert_draw")
    assert draw.data["size"] == 5 and draw.data["specialty"] == "geotechnical"
    assert isinstance(draw.data["seed"], int)
    excluded = {e["name"] for e in draw.data["excluded"]}
    assert excluded == {"张国栋", "陈德华", "黄立新"}  # experts 03, 05, 07
    experts = seat_users(iid)
    assert len(experts) == 5 and len(set(experts)) == 5
    assert set(experts) <= GEOTECHNICAL_OK and not set(experts) & EXCLUDED_FOR_JS
    assert [d["user_id"] for d in draw.data["drawn"]] == [
        hz_user_id(u) for u in experts]
    for username in experts:
        assert inbox_names(username, iid) == ["give_opinion"]
        opinion(username, iid)
    [leader] = seat_users(iid, "record_conclusion")
    assert leader == experts[0]
    result = conclude(iid, "pass")
    assert result.status == "completed" and status_of(w) == "plan_approved"
    [report] = notices(iid)
    assert report["template"] == "expert_argumentation_report"
    assert (report["conclusion"], report["conclusion_code"], report["argued_at"]) == ("通过", "pass", "2026-03-12")
    assert report["hazardous_work"]["name"] == w.name and report["expert_leader"] == expert_name(experts[0])
    assert [e["name"] for e in report["experts"]] == [expert_name(u) for u in experts]
    assert all(e["result"] == "pass" and e["opinion"].startswith("通过。") for e in report["experts"])
    assert [e["is_leader"] for e in report["experts"]] == [True, False, False, False, False]
    [issued] = case_documents(iid)
    assert issued.template == "expert_argumentation_report" and "论" in issued.number


def case_documents(iid: int):
    return db.session.query(IssuedDocument).filter(IssuedDocument.instance_id == iid).all()


def hz_user_id(username: str) -> int:
    return actor(username).user_id


def expert_name(username: str) -> str:
    return db.session.query(Expert).filter(Expert.user_id == hz_user_id(username)).one().name


def test_pass_after_revision_needs_signatures_again_but_no_new_panel(hz_sqlite):
    w = work(code="WD-01")
    iid = start("contractor_pm", "hazardous_plan_review", w)
    signatures(iid)
    organize(iid)
    all_opinions(iid, "pass_after_revision")
    conclude(iid, "pass_after_revision", changes="补充降水对周边管线影响的验算")
    assert status_of(w) == "registered"
    assert context("contractor_pm", iid, "compile_plan") == {
        "returned_by": "专家组（修改后通过，修改后重新签字）", "return_reason": "补充降水对周边管线影响的验算"}
    compile_plan(iid, 2)
    assert context("tech_lead", iid, "tech_review")["panel_required_changes"] == "补充降水对周边管线影响的验算"
    tech(iid, reason="修改不完整")  # a return during the re-signing still loops
    compile_plan(iid, 3)
    tech(iid)
    assert context("chief_supervisor", iid, "chief_review")["panel_required_changes"] == "补充降水对周边管线影响的验算"
    result = chief(iid)
    assert result.status == "completed" and status_of(w) == "plan_approved"
    assert len(events(iid, "expert_draw")) == 1 and len(notices(iid)) == 1


def test_fail_sends_the_plan_back_and_a_new_panel_is_drawn(hz_sqlite):
    w = work(code="WD-01")
    iid = start("contractor_pm", "hazardous_plan_review", w)
    signatures(iid)
    organize(iid)
    all_opinions(iid, "fail")
    conclude(iid, "fail", changes="支护形式不合理，须重新设计")
    assert context("contractor_pm", iid, "compile_plan")["return_reason"] == "支护形式不合理，须重新设计"
    signatures(iid, 2)
    assert inbox_names("district_safety", iid) == ["organize_panel"]  # a NEW panel
    organize(iid, size=6)
    assert len(events(iid, "expert_draw")) == 2
    assert len(all_opinions(iid)) == 6
    result = conclude(iid, "pass")
    assert result.status == "completed" and status_of(w) == "plan_approved"
    assert [n["conclusion"] for n in notices(iid)] == ["不通过", "通过"]
    assert [n["panel_round"] for n in notices(iid)] == [1, 2]


def test_an_expert_who_declines_is_replaced_by_a_newly_drawn_one(hz_sqlite):
    w = work(code="WD-01")
    iid = start("contractor_pm", "hazardous_plan_review", w)
    signatures(iid)
    organize(iid)
    first = seat_users(iid)
    decline(first[1], iid)
    for username in first[:1] + first[2:]:
        opinion(username, iid)
    [redraw] = events(iid, "expert_redraw")
    assert [d["expert_id"] for d in redraw.data["declined"]] == [expert_id(first[1])]
    [newcomer] = seat_users(iid)
    assert newcomer not in first and newcomer in GEOTECHNICAL_OK
    assert isinstance(redraw.data["seed"], int)
    opinion(newcomer, iid)
    [leader] = seat_users(iid, "record_conclusion")
    assert leader == first[0]
    conclude(iid, "pass")
    [report] = notices(iid)
    assert sorted(e["name"] for e in report["experts"]) == sorted(
        expert_name(u) for u in first[:1] + first[2:] + [newcomer])


def expert_id(username: str) -> int:
    return db.session.query(Expert).filter(Expert.user_id == hz_user_id(username)).one().id


def test_no_eligible_replacement_left_is_a_clear_case_error(hz_sqlite):
    w = work(code="WD-01")
    iid = start("contractor_pm", "hazardous_plan_review", w)
    signatures(iid)
    organize(iid, size=6)  # all six eligible geotechnical experts
    seats = seat_users(iid)
    for username in seats[1:]:
        opinion(username, iid)
    with pytest.raises(CaseFailedError) as info:
        decline(seats[0], iid)
    assert info.value.code == "case_error"
    incident = db.session.query(Incident).filter(Incident.instance_id == iid).one()
    assert "PanelShortageError" in incident.message and "只有 0 人" in incident.message


def test_a_panel_larger_than_the_pool_is_refused_with_the_reason(hz_sqlite):
    w = work(code="WD-01")
    iid = start("contractor_pm", "hazardous_plan_review", w)
    signatures(iid)
    with pytest.raises(CaseFailedError) as info:
        organize(iid, size=7)
    assert info.value.code == "case_error"
    incident = db.session.query(Incident).filter(Incident.instance_id == iid).one()
    assert "只有 6 人" in incident.message and "需要 7 人" in incident.message


def test_refusals_wrong_role_wrong_project_invalid_forms(hz_sqlite):
    w = work(code="WD-01")
    iid = start("contractor_pm", "hazardous_plan_review", w)
    row = my_task("contractor_pm", iid, "compile_plan")
    with pytest.raises(PermissionDeniedError) as info:
        cases.complete_task(actor("tech_lead"), row.id, {})
    assert info.value.code == "task_not_candidate"
    with pytest.raises(NotFoundError) as info:
        cases.complete_task(actor("contractor_pm2"), row.id, {})
    assert info.value.code == "task_not_found"
    with pytest.raises(ValidationError) as info:
        cases.complete_task(actor("contractor_pm"), row.id, {"plan_name": "方案", "planned_start": "2026-02-30",
                                                             "plan_file": [], "super_scale": False})
    assert info.value.code == "form_invalid"
    assert set(info.value.fields) == {"planned_start", "planned_end", "compile_date", "plan_file", "super_scale"}
    with pytest.raises(ValidationError) as info:  # an attachment of another case is not accepted
        other = start("contractor_pm", "hazardous_plan_review", work(code="WD-02"))
        foreign = upload("contractor_pm", my_task("contractor_pm", other, "compile_plan").id)
        cases.complete_task(actor("contractor_pm"), row.id, {
            "plan_name": "方案", "planned_start": "2026-03-10", "planned_end": "2026-06-30",
            "compile_date": "2026-03-02", "plan_file": [foreign]})
    assert set(info.value.fields) == {"plan_file"}
    compile_plan(iid)
    tech_row = my_task("tech_lead", iid, "tech_review")
    for answer in ({"tech_decision": "return"}, {"tech_decision": "return", "tech_reason": " "},
                   {"tech_decision": "退回"}):
        with pytest.raises(ValidationError) as info:
            cases.complete_task(actor("tech_lead"), tech_row.id, answer)
        assert set(info.value.fields) <= {"tech_reason", "tech_decision"} and info.value.fields
    tech(iid)
    chief(iid)
    organize_row = my_task("district_safety", iid, "organize_panel")
    with pytest.raises(ValidationError) as info:
        cases.complete_task(actor("district_safety"), organize_row.id, {
            "panel_size": 4, "argumentation_date": "2026-03-12", "argumentation_venue": "会议室"})
    assert set(info.value.fields) == {"panel_size"}
    with pytest.raises(NotFoundError):  # the district officer of 二七区 does not even see it
        cases.complete_task(actor("district_safety2"), organize_row.id, {})
    organize(iid)
    seats = seat_users(iid)
    assert inbox_names(seats[1], iid) == ["give_opinion"]  # each expert sees his own seat only
    with pytest.raises(PermissionDeniedError) as info:
        cases.complete_task(actor(seats[0]), my_task(seats[1], iid).id, {"opinion": {"attendance": "attend"}})
    assert info.value.code == "task_not_candidate"
    with pytest.raises(ValidationError) as info:
        cases.complete_task(actor(seats[0]), my_task(seats[0], iid).id, {"opinion": {"attendance": "attend"}})
    assert set(info.value.fields) == {"opinion.result", "opinion.comments"}
