"""Numbers per (issuing org unit, notice type, year): consecutive, never repeated or skipped."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import IssuedDocument, NoticeCounter, Project
from app.rendering import sample_fields
from app.services.access.actors import actor_for
from app.services.notices.issuing import issue_notice
from tests.support.concurrency import in_threads
from tests.support.factories import gen_org_unit, gen_participant, gen_project, gen_user
from tests.support.settings import change_settings

from .conftest import issue, reload

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _site(prefix: str):
    province = gen_org_unit()
    district = gen_org_unit(gen_org_unit(province), notice_prefix=prefix)
    project = gen_project(district)
    gen_participant(project, "contractor")
    official = actor_for(gen_user("district_safety_officer", org_unit=district))
    return district, project, official


def test_sequences_per_unit_type_and_year_are_independent(app):
    with wallclock.frozen(T0):
        _, project, official = _site("测建")
        _, other_project, other_official = _site("乙建")
        first = issue(official, "rectification_notice", project)
        second = issue(official, "rectification_notice", project)
        stop = issue(official, "stop_work_notice", project)
        elsewhere = issue(other_official, "rectification_notice", other_project)
    numbers = [reload(i).number for i in (first, second, stop, elsewhere)]
    assert numbers == ["测建安整〔2026〕第0001号", "测建安整〔2026〕第0002号",
                       "测建安停〔2026〕第0001号", "乙建安整〔2026〕第0001号"]
    assert [reload(i).sequence for i in (first, second, stop, elsewhere)] == [1, 2, 1, 1]


def test_a_new_year_restarts_at_0001_in_china_time(app):
    _, project, official = _site("测建")
    with wallclock.frozen(datetime(2026, 12, 31, 15, 59, tzinfo=UTC)) as c:  # 23:59 in Zhengzhou
        late = issue(official, "urging_notice", project)
        c.set(datetime(2026, 12, 31, 16, 0, tzinfo=UTC))  # 00:00 on 1 January 2027
        early = issue(official, "urging_notice", project)
    assert reload(late).number == "测建安督〔2026〕第0001号" and reload(late).context["issue_date"] == "2026-12-31"
    assert reload(early).number == "测建安督〔2027〕第0001号" and reload(early).context["issue_date"] == "2027-01-01"


def test_a_rolled_back_issue_gives_its_number_back(app):
    _, project, official = _site("测建")
    issue(official, "rectification_notice", project)
    with pytest.raises(RuntimeError), transaction(official):
        issue_notice(official, "rectification_notice", project=project,
                     params=sample_fields("rectification_notice"))
        raise RuntimeError("the case step failed after issuing")
    again = issue(official, "rectification_notice", project)
    assert reload(again).sequence == 2
    assert db.session.scalar(select(NoticeCounter.last_value)) == 2


def test_the_number_format_is_configuration(app, monkeypatch):
    _, project, official = _site("测建")
    change_settings(monkeypatch, app, notice_number_format="{prefix}{type_code}字〔{year}〕{sequence:03d}号",
                    notice_number_formats={"督": "{prefix}督办〔{year}〕{sequence}号"})
    with wallclock.frozen(T0):
        order = issue(official, "rectification_notice", project)
        urging = issue(official, "urging_notice", project)
    assert reload(order).number == "测建整字〔2026〕001号"
    assert reload(urging).number == "测建督办〔2026〕1号"


def test_an_org_unit_without_prefix_uses_its_name(app):
    province = gen_org_unit()
    district = gen_org_unit(gen_org_unit(province), name="新郑市住房和城乡建设局")
    project = gen_project(district)
    gen_participant(project, "contractor")
    official = actor_for(gen_user("district_safety_officer", org_unit=district))
    with wallclock.frozen(T0):
        number = reload(issue(official, "inspection_record", project)).number
    assert number == "新郑安检〔2026〕第0001号"


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)
def test_concurrent_issuing_on_postgresql_gives_consecutive_numbers(app, queued_rendering):
    _, project, official = _site("并建")
    _, other_project, other_official = _site("丙建")
    project_id, other_id = project.id, other_project.id

    def issue_ten(who, pid: int, template: str) -> list[int]:
        return [issue(who, template, db.session.get(Project, pid)) for _ in range(10)]

    calls = [lambda: issue_ten(official, project_id, "rectification_notice") for _ in range(8)]
    calls += [lambda: issue_ten(other_official, other_id, "rectification_notice") for _ in range(2)]
    results = in_threads(app, *calls)
    assert not [r for r in results if isinstance(r, Exception)], results
    db.session.expire_all()
    ours = list(db.session.scalars(select(IssuedDocument).where(IssuedDocument.project_id == project_id)))
    theirs = list(db.session.scalars(select(IssuedDocument).where(IssuedDocument.project_id == other_id)))
    assert sorted(d.sequence for d in ours) == list(range(1, 81))
    assert sorted(d.sequence for d in theirs) == list(range(1, 21))
    assert len({d.number for d in ours}) == 80
    assert all(re.fullmatch(r"并建安整〔\d{4}〕第\d{4}号", d.number) for d in ours)
    assert len({d.verify_code for d in ours + theirs}) == 100
