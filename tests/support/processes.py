"""Driving the real diagrams as the demo users do, for every process-test family: deploy only the
family's diagrams, find a task in someone's inbox, read what his form shows, read the timeline.

Each family's own support.py adds its forms and chains (tests/processes/*/support.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from app.extensions import db
from app.infra import wallclock
from app.models import InboxTask, InstanceEvent, User
from app.services.access.actors import Actor, actor_for
from app.services.casework import task_reads
from app.services.definitions import deployments
from app.services.workflow import inbox_queries

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in China: the process tests' frozen clock
IP = "10.1.2.3"


@pytest.fixture(autouse=True)
def clock():
    """The services' clock frozen at T0, for every test below a conftest that imports this."""
    with wallclock.frozen(T0) as handle:
        yield handle


def deploy_only(keys: tuple[str, ...], form_prefixes: tuple[str, ...] | None = None) -> None:
    """Deploy the diagrams named `keys` and the forms starting with `form_prefixes` (default: the
    keys): other families' files are not the test's concern and may be mid-edit."""
    base = deployments.bundle_from_dirs()
    files = {n: b for n, b in base.files.items() if n.split(".")[0] in keys}  # with its summary
    forms = {n: b for n, b in base.forms.items() if n.startswith(form_prefixes or keys)}
    deployments.deploy(deployments.Bundle(files, forms))


def actor(username: str) -> Actor:
    """The demo user `username` as the services see him."""
    user = db.session.scalar(select(User).where(User.username == username))
    assert user is not None, username
    return actor_for(user, ip=IP)


def my_task(username: str, instance_id: int, task_name: str | None = None) -> InboxTask:
    """The one open task of this case in `username`'s inbox (as the inbox page lists it)."""
    db.session.expire_all()
    page = inbox_queries.list_tasks(actor(username), inbox_queries.InboxFilter(limit=500))
    rows = [r for r in page.items if r.instance_id == instance_id and (task_name is None or r.task_name == task_name)]
    assert len(rows) == 1, f"{username} sees {[(r.task_name, r.instance_id) for r in page.items]}"
    return rows[0]


def context(username: str, instance_id: int, task_name: str) -> dict[str, Any]:
    """What the next actor sees in the read-only fields of his form."""
    return task_reads.readonly_values(actor(username), my_task(username, instance_id, task_name).id)


def events(instance_id: int, kind: str | None = None) -> list[InstanceEvent]:
    """The case timeline, oldest first (only events of `kind` when given)."""
    db.session.expire_all()
    stmt = select(InstanceEvent).where(InstanceEvent.instance_id == instance_id)
    if kind:
        stmt = stmt.where(InstanceEvent.kind == kind)
    return list(db.session.scalars(stmt.order_by(InstanceEvent.id)))


@dataclass(frozen=True)
class Upload:
    """A file as the upload services read it (a werkzeug FileStorage in the app)."""
    filename: str
    data: bytes

    def read(self, size: int = -1) -> bytes:
        return self.data
