"""One seeded demo world for the authorisation matrix and the fuzz run: the demo data, every demo
user logged in (API token and web session), and a pair of objects of each kind — one in 金水区
(JS-2026-001…003, side "js") and one in 二七区 (EQ-2026-001…002, side "eq") — so that every URL
parameter has an in-scope and an out-of-scope value for every role.

The database is snapshotted once after the logins; `restore()` puts it back after any request
that may have written, so the cells of the matrix never see each other's effects.
"""
from __future__ import annotations

import io
import sqlite3
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import (
    Announcement,
    AssessmentPoint,
    Device,
    DeviceOperator,
    HazardousWork,
    InboxTask,
    Incident,
    IssuedDocument,
    LegalClause,
    Notification,
    ProcessInstance,
    Project,
    RoleGrant,
    User,
)
from app.rendering import sample_fields
from app.services.access.actors import Actor, actor_for
from app.services.casework.attachment_uploads import attach_to_task
from app.services.definitions import deployments
from app.services.demo import seed
from app.services.hazard import emergency_plans
from app.services.notices import issuing
from app.services.workflow import cases
from tests.support.apps import sqlite_app

# One user per demo role; where the demo has two (one per district) both take part.
# side: the district whose objects the user may reach ("all": every district, None: none).
USERS: dict[str, str | None] = {
    "admin": "all", "city_official": "all", "urging_clerk": "all", "designer": "all", "auditor": "all",
    "district_safety": "js", "district_quality": "js", "district_leader": "js",
    "district_safety2": "eq",
    "owner_rep": "js", "contractor_pm": "js", "tech_lead": "js", "safety_officer": "js",
    "chief_supervisor": "js", "supervisor": "js",
    "contractor_pm2": "eq",
    "expert01": None,
}
ANONYMOUS = "anonymous"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    app: Flask
    db_path: Path
    snapshot: Path
    tokens: dict[str, str] = field(default_factory=dict)
    browsers: dict[str, FlaskClient] = field(default_factory=dict)
    ids: dict[str, dict[str, object]] = field(default_factory=dict)  # kind -> side -> value
    own: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> username -> id

    def restore(self) -> None:
        """Put the database back as it was right after the logins."""
        with self.app.app_context():
            db.engine.dispose()
        with sqlite3.connect(self.snapshot) as src, sqlite3.connect(self.db_path) as dst:
            src.backup(dst)

    def api(self) -> FlaskClient:
        return self.app.test_client()


def _actor(username: str) -> Actor:
    return actor_for(db.session.scalar(select(User).where(User.username == username)))


def _open_task(instance_id: int, task_name: str) -> InboxTask:
    return db.session.scalar(select(InboxTask).where(
        InboxTask.instance_id == instance_id, InboxTask.task_name == task_name, InboxTask.status == "open"))


def _project(code: str) -> Project:
    return db.session.scalar(select(Project).where(Project.code == code))


def _order(official: str, project_code: str) -> int:
    """A rectification order issued on the project: an open reply task for its contractor PM."""
    iid = cases.start_case(_actor(official), "rectification_order", project_code=project_code,
                           title="授权矩阵 限期整改")
    cases.complete_task(_actor(official), _open_task(iid, "issue_order").id, {
        "order_type": "deadline", "inspection_date": wallclock.local_today().isoformat(),
        "deadline": (wallclock.local_today() + timedelta(days=30)).isoformat(),
        "requirements": "立即整改。",
        "problems": [{"description": "临边未设防护栏杆", "location": "3#楼", "clauses": ["JGJ59-3.13"]}]})
    return iid


def _side_objects(world: World, side: str, official: str, pm: str, project_code: str) -> dict[str, object]:
    project = _project(project_code)
    iid = _order(official, project_code) if side == "eq" else db.session.scalar(
        select(ProcessInstance.id).where(ProcessInstance.process_key == "rectification_order",
                                         ProcessInstance.project_id == project.id))
    reply = _open_task(iid, "reply")
    attachment = attach_to_task(_actor(pm), reply.id, FileStorage(io.BytesIO(PDF), "a.pdf", "file",
                                                                  "application/pdf"))
    work = db.session.scalar(select(HazardousWork).where(HazardousWork.project_id == project.id,
                                                         HazardousWork.status != "terminated")
                             .order_by(HazardousWork.id))
    plan = emergency_plans.add_plan(_actor(pm), work.id, {"category": "special"},
                                    FileStorage(io.BytesIO(PDF), "plan.pdf", "file", "application/pdf"))
    device = db.session.scalar(select(Device).where(Device.project_id.in_(
        select(Project.id).where(Project.district_id == project.district_id)))
        .where(Device.id.in_(select(DeviceOperator.device_id))).order_by(Device.id))
    operator = db.session.scalar(select(DeviceOperator.id).where(DeviceOperator.device_id == device.id))
    document = db.session.scalar(select(IssuedDocument).where(IssuedDocument.project_id == project.id)
                                 .order_by(IssuedDocument.id))
    if document is None:
        with transaction(_actor(official)):
            document = issuing.issue_notice(_actor(official), "rectification_notice", project=project,
                                            params=sample_fields("rectification_notice"))
    with transaction():
        incident = Incident(instance_id=iid, code="script_error", message="授权矩阵", action={})
        notice = Announcement(title="公告", body="正文", org_path=project.district.path,
                              published_by=official, published_at=document.issued_at)
        db.session.add_all([incident, notice])
    return {"project": project_code, "instance": iid, "task": reply.id, "attachment": attachment.id,
            "work": work.id, "plan": plan, "device": device.id, "operator": operator,
            "document": document.id, "verify_code": document.verify_code, "incident": incident.id,
            "announcement": notice.id, "device_type": device.device_type}


def _own_notifications(world: World) -> None:
    iid = world.ids["instance"]["js"]
    with transaction():
        rows = {name: Notification(user_id=db.session.scalar(select(User.id).where(User.username == name)),
                                   instance_id=iid, title="授权矩阵", body="通知")
                for name in USERS}
        db.session.add_all(rows.values())
    world.own["notification"] = {name: row.id for name, row in rows.items()}


def _directory(world: World) -> None:
    """Objects without a district: accounts, grants, clauses, experts, categories, processes."""
    target = db.session.scalar(select(User).where(User.username == "supervisor"))
    grant = db.session.scalar(select(RoleGrant.id).where(RoleGrant.user_id == target.id))
    shared = {"user": target.id, "grant": grant, "clause": db.session.scalar(select(LegalClause.id)),
              "expert": 1, "category": "JK", "process_key": "rectification_order",
              "form": "rectification_order_issue",
              "assessment_point": db.session.scalar(select(AssessmentPoint.id).order_by(AssessmentPoint.id))}
    for kind, value in shared.items():
        world.ids[kind] = {"js": value, "eq": value}


def _quality_records(world: World) -> None:
    """A testing agency (city-wide) and a witness sample on each side's project."""
    from app.services.quality import registries, samples
    from tests.integration.quality.support import agency_body, sample_body

    agency = registries.create_agency(_actor("admin"), agency_body())
    world.ids["agency"] = {"js": agency.id, "eq": agency.id}
    world.ids["sample"] = {"js": samples.record_sample(_actor("supervisor"), "JS-2026-001", sample_body()),
                           "eq": samples.record_sample(_actor("admin"), "EQ-2026-001", sample_body())}
    _concrete_records(world)


def _concrete_records(world: World) -> None:
    """A concrete producer (city-wide) and a delivery on each side's project."""
    from app.services.quality import concrete, producers
    from tests.integration.quality.concrete_support import delivery_body, producer_body

    producer = producers.create_producer(_actor("admin"), producer_body())
    world.ids["concrete_delivery"] = {
        side: concrete.record_delivery(_actor(user), project, delivery_body(producer))["id"]
        for side, user, project in (("js", "supervisor", "JS-2026-001"), ("eq", "admin", "EQ-2026-001"))}


def _education_records(world: World) -> None:
    """A site worker and an education session on each side's project."""
    from app.services.safety_education import roster, sessions

    for side, project, keeper, card in (("js", "JS-2026-001", "safety_officer", "410102199001010012"),
                                        ("eq", "EQ-2026-001", "contractor_pm2", "410102199001010039")):
        worker = roster.add_worker(_actor(keeper), project, {
            "name": "授权矩阵", "id_card_no": card, "trade": "普工", "team": "普工班组", "entered_on": "2026-01-05"})
        session = sessions.record_session(_actor(keeper), project, {
            "kind": "company", "held_on": "2026-01-06", "topic": "公司级安全教育", "trainer": "李娜", "hours": 8,
            "attendees": [{"worker_id": worker, "score": 80}]})
        world.ids.setdefault("worker", {})[side] = worker
        world.ids.setdefault("education_session", {})[side] = session


def _supervision_records(world: World) -> None:
    """A supervision log waiting for review on each side's project (the js one by the supervisor,
    so that the chief supervisor reviews it), with a file attached."""
    import io

    from werkzeug.datastructures import FileStorage

    from app.services.site_records import attachments, records
    from tests.integration.site_records.support import log_body

    writers = {"js": ("supervisor", "JS-2026-001"), "eq": ("admin", "EQ-2026-001")}
    world.ids["supervision_record"] = {side: records.write_record(_actor(user), code, "log", log_body())
                                       for side, (user, code) in writers.items()}
    photo = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # a record's file (its own upload on each side)
    world.ids["supervision_record_file"] = {side: attachments.attach_file(
        _actor(user), world.ids["supervision_record"][side], FileStorage(io.BytesIO(photo), "photo.png"))["id"]
        for side, (user, _) in writers.items()}


def _webhooks(world: World) -> None:
    """A webhook subscription of an exchange account and one dead delivery of it (never sent)."""
    from app.domain.actors import SYSTEM
    from app.models import OrgUnit, WebhookDelivery
    from app.services.exchange import accounts, webhook_subscriptions

    unit = db.session.scalar(select(OrgUnit.code).order_by(OrgUnit.id))
    account, _ = accounts.create_account(SYSTEM, "授权矩阵平台", unit)
    sub, _ = webhook_subscriptions.create_subscription(SYSTEM, account.id, "https://93.184.215.14/hook")
    with transaction():
        dead = WebhookDelivery(subscription_id=sub.id, event_id="0-1", record_type="project", record_id=1,
                               action="created", body="{}", status="dead", attempts=8)
        db.session.add(dead)
    world.ids["webhook"] = {"js": sub.id, "eq": sub.id}
    world.ids["webhook_delivery"] = {"js": dead.id, "eq": dead.id}


def _login(world: World) -> None:
    password = world.app.config["DEMO_PASSWORD"]
    for name in USERS:
        client = world.app.test_client()
        r = client.post("/api/v1/auth/token", json={"username": name, "password": password})
        assert r.status_code == 201, r.get_json()
        world.tokens[name] = r.get_json()["data"]["token"]
        browser = world.app.test_client()
        r = browser.post("/login", data={"username": name, "password": password})
        assert r.status_code == 302, r.get_data(as_text=True)
        world.browsers[name] = browser


def build_world(template: Path, folder: Path) -> World:
    """Seed the demo (with its hazard and order cases) once; log everybody in; snapshot."""
    folder.mkdir(parents=True, exist_ok=True)
    app = sqlite_app(template, folder, DEMO_HAZARD_CASES=True, DEMO_ORDER_CASES=True)
    world = World(app, folder / "test.sqlite", folder / "snapshot.sqlite")
    with app.app_context():
        deployments.deploy(deployments.bundle_from_dirs())
        seed.load_demo(app.config["DEMO_PASSWORD"])
        sides = {"js": _side_objects(world, "js", "district_safety", "contractor_pm", "JS-2026-001"),
                 "eq": _side_objects(world, "eq", "district_safety2", "contractor_pm2", "EQ-2026-001")}
        for kind in sides["js"]:
            world.ids[kind] = {side: sides[side][kind] for side in sides}
        _directory(world)
        _own_notifications(world)
        _quality_records(world)
        _education_records(world)
        _supervision_records(world)
        _webhooks(world)
        db.session.remove()
    _login(world)
    with app.app_context():
        db.engine.dispose()
    with sqlite3.connect(world.db_path) as src, sqlite3.connect(world.snapshot) as dst:
        src.backup(dst)
    return world
