"""The site roster (实名制花名册) education is checked against: workers enter a project and
leave it; their ID card number is unique per project, stored only hashed and masked."""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import select

from app.domain.body_fields import Fields
from app.errors import ConflictError, NotFoundError
from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import Project, SiteWorker
from app.services.access.actors import Actor
from app.services.access.id_numbers import hash_id_number, mask_id_number
from app.services.access.permissions import require_project_role
from app.services.access.scoping import in_visible_projects, visible_project

KEEPERS = ("contractor_pm", "contractor_safety_officer")  # who keeps the roster and the records
ID_CARD = re.compile(r"^\d{17}[\dX]$")


def _read(data: Any) -> dict[str, Any]:
    f = Fields(data)
    values = {"name": f.text("name", 50), "trade": f.text("trade", 32), "team": f.text("team", 100),
              "entered_on": f.day("entered_on")}
    card = f.text("id_card_no", 18)
    if card is not None and not ID_CARD.match(card.upper()):
        f.fail("id_card_no", "应为 18 位身份证号码（末位可为 X）。")
    if values["entered_on"] and values["entered_on"] > wallclock.local_today():
        f.fail("entered_on", "进场日期不能晚于今天。")
    f.only({"name", "trade", "team", "entered_on", "id_card_no"}, "花名册")
    f.done()
    return {**values, "id_card_no": card.upper()}


def add_worker(actor: Actor, project_code: str, data: Any) -> int:
    """Put a worker on the project's roster; returns his id. Raises NotFoundError (project),
    PermissionDeniedError (not the project's PM or safety officer), ValidationError,
    ConflictError(`worker_exists`) for an ID card already on this roster."""
    with transaction(actor):
        project = visible_project(actor, code=project_code)
        require_project_role(actor, project, *KEEPERS)
        values = _read(data)
        card = values.pop("id_card_no")
        digest = hash_id_number(card)
        if db.session.scalar(select(SiteWorker.id).where(SiteWorker.project_id == project.id,
                                                         SiteWorker.id_card_sha256 == digest)):
            raise ConflictError("该身份证号已在本项目花名册中。", code="worker_exists")
        worker = SiteWorker(project_id=project.id, id_card_sha256=digest, id_card_masked=mask_id_number(card),
                            **values)
        db.session.add(worker)
        db.session.flush()
        return worker.id


def visible_worker(actor: Actor, worker_id: int) -> SiteWorker:
    worker = db.session.scalar(in_visible_projects(actor, SiteWorker).where(SiteWorker.id == worker_id))
    if worker is None:
        raise NotFoundError("没有找到该人员。", code="worker_not_found")
    return worker


def mark_left(actor: Actor, worker_id: int, left_on: date | None = None) -> None:
    """Record that a worker left the site (he stays in the ledger's history)."""
    with transaction(actor):
        worker = visible_worker(actor, worker_id)
        require_project_role(actor, worker.project, *KEEPERS)
        worker.left_on = left_on or wallclock.local_today()


def on_site(project: Project) -> list[SiteWorker]:
    """The workers on the project's site today (entered, not left), by name."""
    return list(db.session.scalars(select(SiteWorker).where(
        SiteWorker.project_id == project.id, SiteWorker.left_on.is_(None)).order_by(SiteWorker.name, SiteWorker.id)))


def worker_dict(worker: SiteWorker) -> dict[str, Any]:
    return {"id": worker.id, "name": worker.name, "id_card": worker.id_card_masked, "trade": worker.trade,
            "team": worker.team, "entered_on": worker.entered_on, "left_on": worker.left_on}


def may_keep(actor: Actor, project: Project) -> bool:
    """Whether the actor keeps the project's roster and records (pages show the forms only then)."""
    return bool(actor.is_admin or actor.roles_on_project(project.id) & set(KEEPERS))
