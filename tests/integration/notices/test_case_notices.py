"""`issue_document` in a case: numbered notice in the case file; a failed render is an incident
with the real error that does not block the case, and a retry after the fix renders it."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.errors import NotFoundError, PermissionDeniedError
from app.extensions import db
from app.infra import wallclock
from app.models import Incident, InstanceEvent, IssuedDocument, ProcessInstance
from app.services.access.actors import actor_for
from app.services.notices import issuing, reading
from app.services.notices import preview as notice_preview
from app.services.workflow import cases
from tests.support.factories import gen_org_unit, gen_participant, gen_project, gen_user
from tests.support.settings import change_settings

from .conftest import pdf_text, reload, squash, stored_path

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
FINDINGS = {
    "inspection_date": "2026-03-02",
    "problems": [
        {"location": "2#楼基坑东侧", "description": "基坑临边未设置防护栏杆，坑边堆载超过设计限值。",
         "photos": ["IMG-0302-01"], "basis": [{"rule": "《建筑深基坑工程施工安全技术规范》JGJ311-2013",
                                                "article": "第5.4.1条"}]},
        {"location": "1#楼外脚手架", "description": "剪刀撑不连续设置，脚手板未满铺。", "photos": [],
         "basis": []},
    ],
    "requirements": ["立即停止基坑东侧堆载。"],
    "deadline": "2026-03-09",
}


@pytest.fixture
def site(app, deploy_notice_case):
    deploy_notice_case()
    province = gen_org_unit()
    district = gen_org_unit(gen_org_unit(province), notice_prefix="测建")
    project = gen_project(district, name="测试花园二期住宅工程", address="郑州市测试区测试路88号")
    gen_participant(project, "contractor")
    official = gen_user("district_safety_officer", org_unit=district, display_name="赵一鸣（测试站）")
    pm = gen_user("contractor_pm", project=project)
    other_project = gen_project(district)
    return {"project": project, "official": actor_for(official), "pm": actor_for(pm),
            "stranger": actor_for(gen_user("contractor_pm", project=other_project)),
            "far_official": actor_for(gen_user("district_safety_officer", org_unit=gen_org_unit(province)))}


def _issue_in_case(site) -> tuple[int, IssuedDocument]:
    with wallclock.frozen(T0):
        instance_id = cases.start_case(site["official"], "notice_case", project_code=site["project"].code)
        [row] = cases.get_case(site["official"], instance_id).open_tasks
        cases.complete_task(site["official"], row["id"], FINDINGS)
    db.session.expire_all()
    document = db.session.scalar(select(IssuedDocument).where(IssuedDocument.instance_id == instance_id))
    return instance_id, document


def test_a_case_issues_a_numbered_notice_into_its_file(app, site):
    instance_id, document = _issue_in_case(site)
    assert document.status == "rendered" and document.number == "测建安整〔2026〕第0001号"
    case = cases.get_case(site["official"], instance_id)
    assert [t["task_name"] for t in case.open_tasks] == ["reply"]
    called = db.session.scalar(select(InstanceEvent).where(
        InstanceEvent.instance_id == instance_id, InstanceEvent.kind == "operator_called"))
    assert called.data["result"] == {"document_id": document.id, "document_number": document.number}
    assert document.context["issuer"] == {"org_unit": document.org_unit.name, "signatory": "赵一鸣",
                                          "unit_name": document.org_unit.name}
    text = pdf_text(stored_path(app, document))
    for needle in ["限期整改通知书", document.number, "测试花园二期住宅工程", "郑州市测试区测试路88号",
                   "2026年3月9日", "2026年3月2日", "赵一鸣"] + \
            [p["description"] for p in FINDINGS["problems"]]:
        assert squash(needle) in text, needle
    assert [d["number"] for d in reading.instance_documents(site["pm"], instance_id)] == [document.number]
    with pytest.raises(NotFoundError):
        reading.instance_documents(site["stranger"], instance_id)


def test_a_failed_render_is_an_incident_that_does_not_block_the_case(app, site, tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the store folder should be")
    change_settings(monkeypatch, app, files_dir=blocked)
    instance_id, document = _issue_in_case(site)

    assert document.status == "failed" and document.sha256 is None
    assert document.error.startswith(("NotADirectoryError", "FileExistsError")) and "Errno" in document.error
    incident = db.session.scalar(select(Incident).where(Incident.instance_id == instance_id))
    assert (incident.status, incident.code, incident.message) == ("open", "notice_render_failed", document.error)
    assert incident.action == {"action": "render_document", "document_id": document.id}
    instance = db.session.get(ProcessInstance, instance_id)
    assert instance.status != "error"
    [reply] = cases.get_case(site["pm"], instance_id).open_tasks  # the case goes on
    cases.complete_task(site["pm"], reply["id"], {"reply": "已整改"})
    assert db.session.get(ProcessInstance, instance_id).status == "completed"

    with pytest.raises(PermissionDeniedError) as denied:
        issuing.retry_render(site["pm"], document.id)
    assert denied.value.code == "document_retry_denied"
    with pytest.raises(NotFoundError):
        issuing.retry_render(site["far_official"], document.id)
    assert issuing.retry_render(site["official"], document.id)["status"] == "failed"  # cause not fixed
    assert len(list(db.session.scalars(select(Incident).where(Incident.instance_id == instance_id)))) == 1

    change_settings(monkeypatch, app, files_dir=tmp_path / "files")  # the fix
    assert issuing.retry_render(site["official"], document.id)["status"] == "rendered"
    fixed = reload(document.id)
    assert fixed.error is None and fixed.sha256 and stored_path(app, fixed).is_file()
    assert db.session.get(Incident, incident.id).status == "resolved"
    assert squash(FINDINGS["problems"][0]["description"]) in pdf_text(stored_path(app, fixed))


def test_a_render_error_of_the_template_itself_is_reported_verbatim(app, site):
    _, document = _issue_in_case(site)
    issued = reload(document.id)
    issued.status, issued.template = "failed", "withdrawn_template"  # e.g. a template removed since
    db.session.commit()
    assert issuing.retry_render(site["official"], document.id)["status"] == "failed"
    assert reload(document.id).error == "withdrawn_template: unknown notice template"
    incident = db.session.scalar(select(Incident).where(Incident.code == "notice_render_failed"))
    assert incident.message == "withdrawn_template: unknown notice template"


def test_an_official_previews_the_notice_of_a_case_before_issuing_it(app, site):
    instance_id = cases.start_case(site["official"], "notice_case", project_code=site["project"].code,
                                   data={"deadline": "2026-03-20"})
    preview = notice_preview.preview_notice(site["official"], "rectification_notice", instance_id=instance_id,
                                            context={"problems": FINDINGS["problems"][:1]})
    html = preview["html"]
    assert "测试花园二期住宅工程" in html and FINDINGS["problems"][0]["description"] in html
    assert "2026年3月20日" in html  # from the case data
    assert "requirements" in preview["missing_fields"] and "deadline" not in preview["missing_fields"]
    assert db.session.scalar(select(IssuedDocument.id)) is None
    with pytest.raises(PermissionDeniedError):
        notice_preview.preview_notice(site["pm"], "rectification_notice", instance_id=instance_id)
    with pytest.raises(NotFoundError):
        notice_preview.preview_notice(site["far_official"], "rectification_notice", instance_id=instance_id)
