"""Demo hazardous works in every status, reached by running the real processes as demo users.

So that a newcomer sees the lifecycle at once: the case files are real (history, forms,
attachments, notices requested) and a few tasks stay open in the demo users' inboxes.
Idempotent: skipped when the demo works exist. Off under TESTING unless DEMO_HAZARD_CASES is set.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app import settings
from app.domain.super_scale import classify
from app.extensions import db
from app.infra.uow import transaction
from app.models import HazardousCategory, HazardousWork, InboxTask, Project, User
from app.services.access.actors import actor_for
from app.services.casework import attachment_uploads
from app.services.definitions import deployments
from app.services.hazard import work_cases
from app.services.workflow import cases

PROJECT = "JS-2026-002"
# (code, name, category, parameters, status it should reach)
WORKS = [
    ("WD-11", "门诊楼地下室高支模（超危大）", "MB-SUP", {"height_m": 9.2, "span_m": 16}, "plan_approved"),
    ("WD-12", "门诊楼2#塔吊安装", "QZ-MACH", {"capacity_kn": 160, "height_m": 90}, "in_progress"),
    ("WD-13", "医技楼基坑降水", "JK", {"depth_m": 4.5}, "suspended"),
    ("WD-14", "门诊楼外立面吊篮", "JSJ-BASKET", {}, "accepted"),
    ("WD-15", "原污水站拆除", "QZ-INST", {}, "terminated"),
    ("WD-16", "门诊楼卸料平台", "JSJ-PLAT", {}, "registered"),
]
PDF = b"%PDF-1.4\n% SiteCase demo attachment\n"


@dataclass(frozen=True)
class _Upload:
    filename: str
    data: bytes = PDF

    def read(self, size: int = -1) -> bytes:
        return self.data


def _actor(username: str):
    return actor_for(db.session.scalar(select(User).where(User.username == username)))


def _do(username: str, iid: int, task: str, data: dict[str, Any], files: tuple[str, ...] = ()) -> None:
    """Complete the open task `task` of case `iid` as `username`, uploading one PDF per file field."""
    who = _actor(username)
    rows = db.session.scalars(select(InboxTask).where(
        InboxTask.instance_id == iid, InboxTask.task_name == task, InboxTask.status == "open").order_by(InboxTask.id))
    row = next(r for r in rows if r.candidate_user_id in (None, who.user_id))
    data = {**data, **{f: [attachment_uploads.attach_to_task(who, row.id, _Upload(f"{f}.pdf")).id] for f in files}}
    cases.complete_task(who, row.id, data)


def _works() -> dict[str, HazardousWork]:
    project = db.session.scalar(select(Project).where(Project.code == PROJECT))
    categories = {c.code: c for c in db.session.scalars(select(HazardousCategory))}
    works = {}
    with transaction():
        for code, name, cat, params, _ in WORKS:
            category = categories[cat]
            _, super_scale = classify(category.hazardous_rule, category.super_scale_rule, params)
            work = HazardousWork(project_id=project.id, code=code, name=name, category_id=category.id,
                                 parameters=params, super_scale=super_scale.met,
                                 super_scale_reason=super_scale.reason, status="registered")
            db.session.add(work)
            works[code] = work
    return works


def _compiled_plan(work: HazardousWork) -> int:
    iid = work_cases.start_work_case(_actor("contractor_pm"), "hazardous_plan_review", work.id)
    _do("contractor_pm", iid, "compile_plan", {
        "plan_name": f"{work.name}专项施工方案", "planned_start": "2026-04-01", "planned_end": "2026-08-31",
        "compile_date": "2026-03-20"}, ("plan_file",))
    return iid


def _plan_approved(work: HazardousWork) -> int:
    iid = _compiled_plan(work)
    _do("tech_lead", iid, "tech_review", {"tech_decision": "pass"})
    _do("chief_supervisor", iid, "chief_review", {"chief_decision": "pass", "chief_opinion": "同意"})
    if work.super_scale:
        _panel(iid)
    return iid


def _panel(iid: int) -> None:
    _do("district_safety", iid, "organize_panel", {
        "panel_size": 5, "argumentation_date": "2026-03-25", "argumentation_venue": "金水区安监站会议室"})
    seats = db.session.scalars(select(InboxTask).where(
        InboxTask.instance_id == iid, InboxTask.task_name == "give_opinion", InboxTask.status == "open"))
    for user_id in [s.candidate_user_id for s in seats]:
        _do(db.session.get(User, user_id).username, iid, "give_opinion", {"opinion": {
            "attendance": "attend", "result": "pass", "comments": "方案计算书完整，监测方案可行。"}})
    leader = db.session.scalar(select(InboxTask).where(
        InboxTask.instance_id == iid, InboxTask.task_name == "record_conclusion", InboxTask.status == "open"))
    _do(db.session.get(User, leader.candidate_user_id).username, iid, "record_conclusion", {"conclusion": {
        "result": "pass", "argumentation_date": "2026-03-25", "summary": "专家组一致同意通过。"}}, ("report_file",))


def _patrol(work: HazardousWork, problems: bool) -> int:
    iid = work_cases.start_work_case(_actor("supervisor"), "hazardous_inspection", work.id)
    data = {"patrol_date": "2026-04-10", "patrol_part": "塔吊基础及标准节", "patrol_description": "正在安装第5节标准节",
            "patrol_result": "problems" if problems else "no_problem"}
    if problems:
        data.update(patrol_problems="附着装置螺栓未紧固", rectify_deadline="2026-04-12")
    _do("supervisor", iid, "patrol_supervisor", data)
    return iid


def _suspend(work: HazardousWork) -> None:
    iid = work_cases.start_work_case(_actor("contractor_pm"), "hazardous_suspension", work.id)
    _do("contractor_pm", iid, "apply_suspension", {
        "expected_suspend_date": "2026-04-15", "suspend_part": "医技楼基坑", "suspend_reason": "周边管线迁改",
        "safety_measures": "降水持续运行，临边防护，专人巡查"})
    _do("district_safety", iid, "review_suspension", {"suspension_decision": "approve"})


def _accept(work: HazardousWork) -> None:
    iid = work_cases.start_work_case(_actor("contractor_pm"), "hazardous_acceptance", work.id)
    _do("contractor_pm", iid, "apply_acceptance", {
        "actual_start": "2026-04-01", "actual_end": "2026-04-20", "acceptance_date": "2026-04-21",
        "acceptance_parts": "吊篮安装", "acceptance_units": "施工单位 张伟；监理单位 赵军",
        "acceptance_description": "安全锁、限位装置有效"}, ("acceptance_report",))
    _do("chief_supervisor", iid, "review_acceptance", {"acceptance_decision": "pass"})
    _do("contractor_pm", iid, "file_records", {"filing_date": "2026-04-22"}, ("filing_files",))


def _terminate(work: HazardousWork) -> None:
    iid = work_cases.start_work_case(_actor("contractor_pm"), "hazardous_termination", work.id)
    _do("contractor_pm", iid, "apply_termination", {
        "expected_termination_date": "2026-04-30", "termination_description": "设计变更，取消拆除"},
        ("completion_proof",))
    _do("district_safety", iid, "review_termination", {"termination_decision": "approve"})


def _deploy() -> None:
    base = deployments.bundle_from_dirs()
    deployments.deploy(deployments.Bundle(
        {n: b for n, b in base.files.items() if n.startswith("hazardous_")},
        {n: b for n, b in base.forms.items() if n.startswith("hazardous_")}))


def seed_lifecycle() -> dict[str, int]:
    """Run the demo lifecycle once; returns counts for the seed report."""
    enabled = settings.current().demo_hazard_cases
    project = db.session.scalar(select(Project).where(Project.code == PROJECT))
    if not enabled or project is None or db.session.scalar(select(HazardousWork.id).where(
            HazardousWork.project_id == project.id, HazardousWork.code == WORKS[0][0])):
        return {}
    _deploy()
    works = _works()
    _plan_approved(works["WD-11"])
    for code in ("WD-12", "WD-13", "WD-14"):
        _plan_approved(works[code])
    _patrol(works["WD-12"], problems=False)
    _patrol(works["WD-12"], problems=True)           # open: rectification in contractor_pm's inbox
    _patrol(works["WD-13"], problems=False)
    _suspend(works["WD-13"])                          # open: resumption application
    _accept(works["WD-14"])
    _terminate(works["WD-15"])
    _compiled_plan(works["WD-16"])                    # open: technical lead's review
    return {"hazard_demo_works": len(works)}
