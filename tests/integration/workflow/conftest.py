"""Workflow service tests: deploy the engine fixture diagrams with their forms, real users.

`deploy(*bpmn_files, forms=…)` deploys through `deployments.deploy(Bundle(...))`; the clock is
pinned at T0 for every test (advance it with `clock.advance(hours=…)`).
"""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.extensions import db
from app.infra import wallclock as service_clock
from app.models import HazardousCategory, HazardousWork, InboxTask, RoleGrant
from app.services.access.actors import Actor, actor_for
from app.services.definitions.deployments import Bundle
from app.services.definitions.deployments import deploy as deploy_bundle
from app.services.definitions.operator_registry import OPERATORS

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bpmn"
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in China


def fixture_forms(**overrides: dict) -> dict[str, bytes]:
    forms = {p.name: p.read_bytes() for p in (FIXTURES / "forms").glob("*.json")}
    forms.update({name: json.dumps(schema).encode() for name, schema in overrides.items()})
    return forms


@pytest.fixture
def deploy(app) -> Callable[..., list]:
    def run(*bpmn: str, forms: dict[str, dict] | None = None, files: dict[str, bytes] | None = None):
        bundle_files = {name: (FIXTURES / name).read_bytes() for name in bpmn}
        bundle_files.update(files or {})
        return deploy_bundle(Bundle(bundle_files, fixture_forms(**(forms or {}))))
    return run


@pytest.fixture(autouse=True)
def clock():
    with service_clock.frozen(T0) as handle:
        yield handle


@pytest.fixture
def operators(monkeypatch) -> dict[str, Any]:
    """Test operators registered for the duration of a test (deploy validates the names)."""
    def register(name: str, fn: Callable) -> None:
        monkeypatch.setitem(OPERATORS, name, fn)
    register("draw_experts", draw_experts)
    return {"register": register}


def draw_experts(ctx, params: dict, data: dict) -> dict:
    """Draw `count` experts: the lowest user ids holding the `expert` role (seat item = user id)."""
    ids = db.session.scalars(select(RoleGrant.user_id).where(RoleGrant.role_code == "expert")
                             .order_by(RoleGrant.user_id).limit(params["count"]))
    return {"experts": list(ids)}


def as_actor(user, ip: str = "10.0.0.7") -> Actor:
    return actor_for(user, ip=ip)


def open_rows(instance_id: int, task_name: str | None = None) -> list[InboxTask]:
    db.session.expire_all()
    stmt = select(InboxTask).where(InboxTask.instance_id == instance_id, InboxTask.status == "open")
    if task_name:
        stmt = stmt.where(InboxTask.task_name == task_name)
    return list(db.session.scalars(stmt.order_by(InboxTask.id)))


def gen_work(project, status: str = "registered") -> HazardousWork:
    category = db.session.scalar(select(HazardousCategory).where(HazardousCategory.code == "T-1"))
    if category is None:
        category = HazardousCategory(code="T-1", name_zh="深基坑", name_en="deep pit",
                                     hazardous_rule="always", super_scale_rule="never")
        db.session.add(category)
    work = HazardousWork(project_id=project.id, code=f"W-{project.id}", name="基坑工程",
                         category=category, status=status)
    db.session.add(work)
    db.session.commit()
    return work
