"""A notice is issued only when everything it prints is known: a missing field is refused by name,
before any number is taken."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.infra.uow import transaction
from app.models import IssuedDocument
from app.rendering import sample_fields
from app.services.access.actors import actor_for
from app.services.notices.context import NoticeIssueError
from app.services.notices.issuing import issue_notice
from tests.support.factories import gen_org_unit, gen_participant, gen_project, gen_user


def _site():
    district = gen_org_unit(gen_org_unit(gen_org_unit()), notice_prefix="测建")
    project = gen_project(district, address="郑州市测试路1号", permit_no="4101", supervision_no="AJ01")
    for party in ("contractor", "supervisor", "owner"):
        gen_participant(project, party)
    return project, actor_for(gen_user("district_safety_officer", org_unit=district, display_name="赵一鸣"))


def test_a_rectification_notice_without_its_inspection_date_is_refused(app):
    project, official = _site()
    fields = {k: v for k, v in sample_fields("rectification_notice").items() if k != "inspection_date"}
    with pytest.raises(NoticeIssueError) as refused, transaction(official):
        issue_notice(official, "rectification_notice", project=project, params=fields)
    assert refused.value.code == "notice_incomplete" and "检查日期" in str(refused.value)
    assert refused.value.message.english == "Rectification notice cannot be issued without: Inspection date."
    assert set(refused.value.fields) == {"inspection_date"}
    assert db.session.scalar(select(IssuedDocument.id)) is None
    with transaction(official):
        issue_notice(official, "rectification_notice", project=project, params={**fields, "inspection_date": "2026-03-02"})
    assert db.session.scalar(select(IssuedDocument.number)) == "测建安整〔2026〕第0001号"


def test_an_urging_notice_without_a_contact_phone_is_refused(app):
    project, official = _site()
    fields = sample_fields("urging_notice")
    with pytest.raises(NoticeIssueError) as refused, transaction(official):
        issue_notice(official, "urging_notice", project=project, params={**fields, "contact": {"name": "许静"}})
    assert refused.value.code == "notice_incomplete" and "联系电话" in str(refused.value)


def test_a_blank_the_catalogue_does_not_list_is_refused_too(app):
    """The suspension notice's project grid prints the permit number: a project without one is refused."""
    project, official = _site()
    project.permit_no = None
    db.session.commit()
    with pytest.raises(NoticeIssueError) as refused, transaction(official):
        issue_notice(official, "supervision_suspend_notice", project=project,
                     params=sample_fields("supervision_suspend_notice"))
    assert refused.value.code == "notice_incomplete"


def test_a_missing_field_of_a_newer_notice_is_named_in_words(app):
    """The supervision log's own fields (its words are in documents/supervision_log.json): no raw key."""
    project, official = _site()
    fields = {k: v for k, v in sample_fields("supervision_log").items() if k != "weather"}
    with pytest.raises(NoticeIssueError) as refused, transaction(official):
        issue_notice(official, "supervision_log", project=project, params=fields)
    assert refused.value.code == "notice_incomplete" and set(refused.value.fields) == {"weather"}
    assert "天气情况" in str(refused.value) and "weather" not in str(refused.value)
    assert refused.value.message.english == "Supervision log cannot be issued without: Weather."
