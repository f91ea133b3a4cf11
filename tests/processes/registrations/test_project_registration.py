"""project_registration: owner registers → system check → district review [approve → project active,
participants, accounts | return ⟲]."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import DomainError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.http_status import status_of
from app.models import ProcessInstance, Project, ProjectParticipant, ProjectRegistration, RoleGrant
from app.services.access import login
from app.services.access.passwords import verify_password
from app.services.registrations import applications
from app.services.workflow import cases
from tests.support.processes import context, events, my_task

from .support import actor, code_of, complete, registration_form, sees, user

APPROVE = {"registration_decision": "approve", "registration_opinion": "同意开工登记"}


def project(code: str = "JS-2026-101") -> Project | None:
    db.session.expire_all()
    return db.session.scalar(select(Project).where(Project.code == code))


def test_approval_activates_the_project_records_participants_and_creates_accounts(reg):
    iid = applications.start_project_registration(actor("owner_rep"), "ZZ-JS")
    assert context("owner_rep", iid, "fill_registration")["district_name"] == "金水区住房和城乡建设局"
    complete("owner_rep", iid, "fill_registration", registration_form())
    assert project() is None
    shown = context("district_safety", iid, "review_registration")
    assert "wh_pm" in shown["account_summary"] and "王磊" in shown["participant_summary"]
    result = complete("district_safety", iid, "review_registration", APPROVE)
    assert result.status == "completed"
    p = project()
    assert (p.status, p.district.code, p.permit_no) == ("active", "ZZ-JS", "410105202607010104")
    assert str(p.planned_start) == "2026-03-15" and p.supervision_no == f"ZZ-JS-2026-{p.id:04d}"
    parties = {pp.party_type: (pp.enterprise.credit_code, pp.responsible_person)
               for pp in db.session.scalars(select(ProjectParticipant).where(ProjectParticipant.project_id == p.id))}
    assert parties == {"owner": (code_of("E1"), "王磊"), "contractor": (code_of("E2"), "刘洋"),
                       "supervisor": (code_of("E3"), "赵军"), "designer": (code_of("E4"), "孙丽")}
    record = db.session.scalar(select(ProjectRegistration).where(ProjectRegistration.project_id == p.id))
    assert record.contract["amount"] == 12850.5 and [u["unit_name"] for u in record.unit_works] == ["1#教学楼", "2#体育馆"]
    assert record.approved_by == "district_safety" and record.instance_id == iid
    # new accounts: passwords shown once here, stored as argon2 hashes only, never in the timeline
    shown_once = {c["username"]: c for c in result.credentials}
    assert set(shown_once) == {"wh_pm", "wh_chief"}
    for username, credential in shown_once.items():
        stored = user(username)
        assert stored.password_hash.startswith("$argon2") and credential["initial_password"] not in stored.password_hash
        assert verify_password(stored.password_hash, credential["initial_password"])
        assert credential["initial_password"] not in str([e.data for e in events(iid, "accounts_created")])
        assert credential["initial_password"] not in db.session.get(ProcessInstance, iid).state
        logged_in = login.authenticate(username, credential["initial_password"], "10.9.9.9")
        assert p.id in logged_in.project_ids and logged_in.roles_on_project(p.id) == {credential["role"]}
    assert user("wh_pm").enterprise_id == user("contractor_pm").enterprise_id
    # an existing account of the same enterprise only gets the role; the submitter becomes owner_rep
    assert "contractor_pm" in actor("contractor_pm").roles_on_project(p.id)
    assert "owner_rep" in actor("owner_rep").roles_on_project(p.id)
    [created] = events(iid, "accounts_created")
    assert {a["username"]: a["created"] for a in created.data["accounts"]} == {
        "wh_pm": True, "wh_chief": True, "contractor_pm": False}
    assert {a["username"]: a["password_shown"] for a in created.data["accounts"]} == {
        "wh_pm": True, "wh_chief": True, "contractor_pm": False}
    assert cases.get_case(actor("wh_pm"), iid).project_code == "JS-2026-101"


def test_returned_twice_then_approved(reg):
    iid = applications.start_project_registration(actor("owner_rep"), "ZZ-JS")
    form = registration_form()
    for n in (1, 2):
        complete("owner_rep", iid, "fill_registration", form)
        complete("district_safety", iid, "review_registration", {
            "registration_decision": "return", "registration_return_reason": f"第{n}次：合同金额与施工许可不一致"})
        shown = context("owner_rep", iid, "fill_registration")
        assert shown["return_reason"] == f"第{n}次：合同金额与施工许可不一致"
        assert shown["returned_by"] == "金水区住房和城乡建设局"
        assert project() is None
        form["contract"]["amount"] += 100
    complete("owner_rep", iid, "fill_registration", form)
    result = complete("district_safety", iid, "review_registration", APPROVE)
    assert result.status == "completed" and project().status == "active"
    record = db.session.scalar(select(ProjectRegistration).where(ProjectRegistration.project_id == project().id))
    assert record.contract["amount"] == 13050.5


def test_a_return_needs_a_reason(reg):
    iid = applications.start_project_registration(actor("owner_rep"), "ZZ-JS")
    complete("owner_rep", iid, "fill_registration", registration_form())
    with pytest.raises(ValidationError) as info:
        complete("district_safety", iid, "review_registration", {"registration_decision": "return"})
    assert "registration_return_reason" in info.value.fields


def test_wrong_jurisdiction_cannot_approve_a_jinshui_registration(reg):
    iid = applications.start_project_registration(actor("owner_rep"), "ZZ-JS")
    complete("owner_rep", iid, "fill_registration", registration_form())
    row = my_task("district_safety", iid, "review_registration")
    assert sees("district_safety2", iid) == []
    for submit in (applications.complete_registration_task, cases.complete_task):
        with pytest.raises(DomainError) as info:
            submit(actor("district_safety2"), row.id, APPROVE)
        assert info.value.code in ("task_not_found", "task_not_candidate")
    assert project() is None


@pytest.mark.parametrize(("change", "field", "code"), [
    (lambda f: f["participants"][1].update(credit_code="91410100MA40QJ703"), "participants.1.credit_code", "form_invalid"),
    (lambda f: f["participants"][1].update(credit_code=code_of("E9")), "participants.1.party_type", "registration_invalid"),
    (lambda f: f["participants"].pop(2), "participants", "registration_invalid"),
    (lambda f: f["accounts"][0].update(username="chief_supervisor"), "accounts.0.username", "registration_invalid"),
    (lambda f: f["accounts"][1].update(role="contractor_pm"), "accounts.1.role", "registration_invalid"),
    (lambda f: f.update(project_code="EQ-2026-001"), "project_code", "registration_invalid"),
    (lambda f: f["contract"].update(end_date="2026-01-01"), "contract.end_date", "registration_invalid"),
])
def test_invalid_registrations_are_refused_with_422(reg_sqlite, change, field, code):
    iid = applications.start_project_registration(actor("owner_rep"), "ZZ-JS")
    form = registration_form()
    change(form)
    with pytest.raises(ValidationError) as info:
        complete("owner_rep", iid, "fill_registration", form)
    assert status_of(info.value) == 422 and info.value.code == code and field in info.value.fields
    assert sees("district_safety", iid) == []


def test_only_the_owner_side_registers(reg):
    for username in ("contractor_pm", "district_safety"):
        with pytest.raises(PermissionDeniedError):
            applications.start_project_registration(actor(username), "ZZ-JS")
    with pytest.raises(ValidationError) as info:
        applications.start_project_registration(actor("owner_rep"), "ZZ")  # a city is no district
    assert "district_code" in info.value.fields


def test_a_rule_broken_after_submission_sends_it_back_instead_of_failing(reg):
    iid = applications.start_project_registration(actor("owner_rep"), "ZZ-JS")
    complete("owner_rep", iid, "fill_registration", registration_form())
    from tests.support.factories import gen_user
    gen_user(username="wh_chief")  # someone else took the username meanwhile
    result = complete("district_safety", iid, "review_registration", APPROVE)
    assert result.status == "running" and project() is None and result.credentials == []
    shown = context("owner_rep", iid, "fill_registration")
    assert shown["returned_by"] == "系统校验" and "用户名已被占用" in shown["return_reason"]
    assert db.session.scalar(select(RoleGrant.id).where(RoleGrant.user_id == user("wh_chief").id)) is None


def test_an_approval_through_the_generic_completion_hands_back_no_password(reg):
    """Only the registration use case asks for the initial passwords: the generic completion
    creates the accounts, shows no password and the timeline says none was shown."""
    iid = applications.start_project_registration(actor("owner_rep"), "ZZ-JS")
    complete("owner_rep", iid, "fill_registration", registration_form())
    row = my_task("district_safety", iid, "review_registration")
    result = cases.complete_task(actor("district_safety"), row.id, APPROVE)
    assert result.status == "completed" and result.handed_back == {}
    assert user("wh_pm").password_hash.startswith("$argon2")
    [created] = events(iid, "accounts_created")
    assert {a["username"]: a["password_shown"] for a in created.data["accounts"]} == {
        "wh_pm": False, "wh_chief": False, "contractor_pm": False}


def test_the_generic_completion_skips_the_pre_check_and_the_diagram_sends_it_back(reg):
    """The diagram's own check (check_gateway → auto_return) catches what the use case's pre-check
    would have refused, when the form comes through the generic task completion."""
    from tests.support.factories import gen_user
    gen_user(username="wh_chief")  # the account the form asks for is taken before it is sent
    iid = applications.start_project_registration(actor("owner_rep"), "ZZ-JS")
    with pytest.raises(DomainError):
        complete("owner_rep", iid, "fill_registration", registration_form())
    cases.complete_task(actor("owner_rep"), my_task("owner_rep", iid, "fill_registration").id, registration_form())
    shown = context("owner_rep", iid, "fill_registration")
    assert shown["returned_by"] == "系统校验" and "用户名已被占用" in shown["return_reason"]
    assert sees("district_safety", iid) == [] and project() is None
