"""The health-check report: one notice per scored project and month, its PDF text read back;
the monthly beat task scores, reports and starts the rectification cases."""
from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.infra import wallclock
from app.models import HealthCheckScore, IssuedDocument, OrgUnit, ProcessInstance
from app.services.health_check import report, scoring
from app.tasks.health_check import monthly
from tests.integration.health_check.records import NOW, deploy_rectification
from tests.integration.notices.conftest import pdf_text, squash
from tests.support.factories import PASSWORD, gen_user


def score_of(project) -> HealthCheckScore:
    db.session.expire_all()
    return db.session.scalar(select(HealthCheckScore).where(HealthCheckScore.project_id == project.id,
                                                            HealthCheckScore.month == "2026-02"))


def login_page(project) -> str:
    east = db.session.get(OrgUnit, project.district_id)
    gen_user("district_safety_officer", org_unit=east, username="reader")
    client = current_app.test_client()
    assert client.post("/login", data={"username": "reader", "password": PASSWORD}).status_code == 302
    return client.get(f"/health-check/projects/{project.code}").get_data(as_text=True)


def test_each_project_gets_one_report_with_its_score_deductions_and_rank(app, world):
    a1, a2, b1, _ = world["projects"]
    with wallclock.frozen(NOW):
        scoring.compute_month("2026-01")
        scoring.compute_month("2026-02")
        assert report.issue_reports("2026-02") == 3
        assert report.issue_reports("2026-02") == 0
    document = db.session.get(IssuedDocument, score_of(a1).report_document_id)
    assert (document.template, document.project_id, document.status) == ("health_check_report", a1.id, "rendered")
    text = pdf_text(Path(current_app.config["FILES_DIR"]) / document.file_path)
    for needle in ["工地体检报告", "2026年2月", "默认体检标准（第1版）", "55（预警）", "东区第2名/共2个项目",
                   "本月设备报警12次，每次扣2分，上限20分", "-20", "全面停工整改02-12",
                   "张三（证书有效期至2026-02-27）", "限期回复逾期整改通知书",
                   "上月（2026年1月）得分100分；本月较上月下降45分。"]:
        assert squash(needle) in text, needle
    # the weighted index scores add up to the score: 设备报警 weighs 20% and lost all 20 points
    assert {"name": "设备报警（每次）", "weight": 0.2, "score": 0.0} in document.context["indices"]
    assert round(sum(i["weight"] * i["score"] for i in document.context["indices"]), 1) == 55.0
    page = login_page(a1)
    assert f'href="/api/v1/documents/{document.id}/pdf" class="pdf"' in page and document.number in page
    clean = db.session.get(IssuedDocument, score_of(b1).report_document_id)
    assert "本月无扣分项" in pdf_text(Path(current_app.config["FILES_DIR"]) / clean.file_path)


def test_the_monthly_task_scores_reports_and_starts_rectification_once(app, world):
    a1 = world["projects"][0]
    deploy_rectification()
    assert current_app.config["CELERY_BEAT_SCHEDULE"]["health-check-monthly"]["task"] == "health_check.monthly"
    with wallclock.frozen(NOW):
        first = monthly.apply().get()
        again = monthly.apply().get()
    assert (first["month"], first["projects"], first["reports_issued"], first["rectifications_started"]) == \
        ("2026-02", 3, 3, 1)
    assert (again["changed"], again["reports_issued"], again["rectifications_started"]) == (0, 0, 0)
    case = db.session.get(ProcessInstance, score_of(a1).rectification_instance_id)
    assert (case.process_key, case.project_id) == ("health_check_rectification", a1.id)
