"""enterprise_review: submit → system check → district/city review [approve | return ⟲] → enterprise
written with its change history."""
from __future__ import annotations

import pytest
from flask import current_app

from app.errors import ConflictError, DomainError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.http_status import status_of
from app.models import EnterpriseChange, EnterpriseProfile
from app.services.registrations import applications
from app.services.workflow import cases
from tests.support.factories import gen_user
from tests.support.processes import context, events, my_task

from .support import ENTERPRISE_FORM, NEW_CODE, actor, code_of, complete, enterprise, sees, user


def first_submission(org_code: str = "ZZ-JS") -> tuple[str, int]:
    newcomer = gen_user(username="xinzhu_admin", display_name="钱进").username
    return newcomer, applications.start_enterprise_review(actor(newcomer), org_code)


def test_first_submission_creates_the_enterprise_on_district_approval(reg):
    newcomer, iid = first_submission()
    assert context(newcomer, iid, "fill_info")["submission_kind_label"] == "首次申报"
    assert enterprise(NEW_CODE) is None
    complete(newcomer, iid, "fill_info", ENTERPRISE_FORM)
    assert enterprise(NEW_CODE) is None and sees("city_official", iid) == []
    assert context("district_safety", iid, "review_district")["change_summary"] == "首次申报"
    result = complete("district_safety", iid, "review_district", {"enterprise_decision": "approve",
                                                                   "enterprise_opinion": "资料齐全"})
    assert result.status == "completed"
    firm = enterprise(NEW_CODE)
    assert (firm.name, firm.type, firm.legal_person, firm.phone) == ("郑州新筑建设工程有限公司", "contractor", "钱进", "0371-66001234")
    assert user(newcomer).enterprise_id == firm.id
    profile = db.session.query(EnterpriseProfile).filter_by(enterprise_id=firm.id).one()
    assert profile.licence_no == "91410100MA40XJ011" and len(profile.people) == 2
    assert profile.qualifications[0]["certificate_no"] == "D241000001"
    [change] = applications.list_enterprise_changes(actor("district_safety"), firm.id)
    assert change["kind"] == "first" and change["before"] is None
    assert change["after"]["credit_code"] == NEW_CODE and change["submitted_by"] == newcomer
    assert change["approved_by"] == "district_safety" and change["instance_id"] == iid
    # the new member now sees his own enterprise's history
    assert [c["id"] for c in applications.list_enterprise_changes(actor(newcomer))] == [change["id"]]


def test_change_returned_twice_by_the_city_then_approved_keeps_before_and_after(reg):
    iid = applications.start_enterprise_review(actor("contractor_pm"), "ZZ")
    current = context("contractor_pm", iid, "fill_info")
    assert current["submission_kind_label"] == "信息变更" and current["registration_org"] == "郑州市城乡建设局"
    change = {**ENTERPRISE_FORM, "credit_code": code_of("E2"), "enterprise_name": "中建七局第二建筑有限公司（更名）",
              "legal_person": "李新", "change_reason": "法定代表人变更"}
    for n in (1, 2):
        complete("contractor_pm", iid, "fill_info", change)
        assert sees("district_safety", iid) == []  # a city-level review
        complete("city_official", iid, "review_city", {"enterprise_decision": "return",
                                                       "enterprise_return_reason": f"第{n}次：缺法定代表人任命文件"})
        shown = context("contractor_pm", iid, "fill_info")
        assert shown["return_reason"] == f"第{n}次：缺法定代表人任命文件" and shown["returned_by"] == "郑州市城乡建设局"
        assert enterprise(code_of("E2")).legal_person == "李志强"
    complete("contractor_pm", iid, "fill_info", change)
    summary = context("city_official", iid, "review_city")["change_summary"]
    assert "法定代表人：李志强 → 李新" in summary and "企业名称" in summary
    complete("city_official", iid, "review_city", {"enterprise_decision": "approve"})
    firm = enterprise(code_of("E2"))
    assert firm.legal_person == "李新" and firm.name.endswith("（更名）")
    [row] = db.session.query(EnterpriseChange).filter_by(enterprise_id=firm.id).all()
    assert row.kind == "change" and row.before["legal_person"] == "李志强" and row.after["legal_person"] == "李新"
    assert row.change_reason == "法定代表人变更" and row.approved_by == "city_official" and row.instance_id == iid
    assert events(iid, "enterprise_applied")[0].data["enterprise_id"] == firm.id


def test_an_invalid_credit_code_is_refused_with_422_on_every_path(reg):
    newcomer, iid = first_submission()
    bad = {**ENTERPRISE_FORM, "credit_code": NEW_CODE[:17] + ("0" if NEW_CODE[17] != "0" else "1")}
    row = my_task(newcomer, iid, "fill_info")
    for submit in (applications.complete_registration_task, cases.complete_task):
        with pytest.raises(ValidationError) as info:
            submit(actor(newcomer), row.id, bad)
        assert status_of(info.value) == 422 and "credit_code" in info.value.fields
    assert my_task(newcomer, iid, "fill_info").id == row.id  # nothing moved


def test_a_credit_code_of_another_enterprise_is_refused_or_sent_back(reg):
    newcomer, iid = first_submission()
    taken = {**ENTERPRISE_FORM, "credit_code": code_of("E7")}
    with pytest.raises(ValidationError) as info:
        complete(newcomer, iid, "fill_info", taken)
    assert info.value.code == "registration_invalid" and "credit_code" in info.value.fields
    # the generic task API skips the pre-check: the diagram's check sends it back to the submitter
    cases.complete_task(actor(newcomer), my_task(newcomer, iid, "fill_info").id, taken)
    shown = context(newcomer, iid, "fill_info")
    assert shown["returned_by"] == "系统校验" and "其他企业" in shown["return_reason"]
    assert sees("district_safety", iid) == []


def test_wrong_jurisdiction_cannot_see_or_approve(reg):
    newcomer, iid = first_submission("ZZ-JS")
    complete(newcomer, iid, "fill_info", ENTERPRISE_FORM)
    row = my_task("district_safety", iid, "review_district")
    assert sees("district_safety2", iid) == []
    with pytest.raises(DomainError) as info:
        applications.complete_registration_task(actor("district_safety2"), row.id, {"enterprise_decision": "approve"})
    assert info.value.code in ("task_not_found", "task_not_candidate")
    assert enterprise(NEW_CODE) is None


def test_who_may_start_and_only_one_open_case(reg):
    with pytest.raises(PermissionDeniedError):
        applications.start_enterprise_review(actor("district_safety"), "ZZ-JS")
    with pytest.raises(ValidationError) as info:
        applications.start_enterprise_review(actor("contractor_pm"), "NOPE")
    assert "org_code" in info.value.fields
    applications.start_enterprise_review(actor("contractor_pm"), "ZZ-JS")
    with pytest.raises(ConflictError) as info:
        applications.start_enterprise_review(actor("tech_lead"), "ZZ-EQ")  # same enterprise E2
    assert info.value.code == "registration_open"


def test_others_cannot_work_the_submitters_form(reg):
    newcomer, iid = first_submission()
    row = my_task(newcomer, iid, "fill_info")
    assert sees("owner_rep", iid) == []
    with pytest.raises(DomainError):
        cases.complete_task(actor("owner_rep"), row.id, ENTERPRISE_FORM)


def test_change_history_is_private_to_the_enterprise(reg):
    with pytest.raises(PermissionDeniedError):
        applications.list_enterprise_changes(actor("contractor_pm"), enterprise(code_of("E1")).id)
    assert applications.list_enterprise_changes(actor("contractor_pm")) == []


def test_the_task_page_shows_the_return_reason_as_text(reg):
    iid = applications.start_enterprise_review(actor("contractor_pm"), "ZZ")
    change = {**ENTERPRISE_FORM, "credit_code": code_of("E2"), "legal_person": "李新",
              "change_reason": "法定代表人变更"}
    complete("contractor_pm", iid, "fill_info", change)
    complete("city_official", iid, "review_city", {"enterprise_decision": "return",
                                                   "enterprise_return_reason": "缺法定代表人任命文件"})
    row = my_task("contractor_pm", iid, "fill_info")
    client = current_app.test_client()
    assert client.post("/login", data={"username": "contractor_pm",
                                       "password": current_app.config["DEMO_PASSWORD"]}).status_code == 302
    html = client.get(f"/tasks/{row.id}").get_data(as_text=True)
    shown = html.split('id="f-return_reason"')[1].split("</p>")[0]
    assert "缺法定代表人任命文件" in shown
    assert 'name="return_reason"' not in html  # shown, not an input that could be posted back


def test_a_credit_code_taken_between_check_and_approval_sends_it_back(reg):
    """Two first submissions of the same new enterprise both pass the check; the second approval's
    re-check (recheck_gateway → auto_return) finds the code taken and returns it to its submitter."""
    newcomer, first = first_submission()
    other = gen_user(username="xinzhu_clerk", display_name="周全").username
    second = applications.start_enterprise_review(actor(other), "ZZ-JS")
    complete(newcomer, first, "fill_info", ENTERPRISE_FORM)
    complete(other, second, "fill_info", ENTERPRISE_FORM)
    approve = {"enterprise_decision": "approve", "enterprise_opinion": "资料齐全"}
    assert complete("district_safety", first, "review_district", approve).status == "completed"
    assert complete("district_safety", second, "review_district", approve).status == "running"
    shown = context(other, second, "fill_info")
    assert shown["returned_by"] == "系统校验" and "其他企业" in shown["return_reason"]
    assert user(other).enterprise_id is None and enterprise(NEW_CODE).id == user(newcomer).enterprise_id
