"""通知公告: officials publish announcements; enterprises and officials below them read them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, false, func, or_, select, true

from app.errors import NotFoundError, ValidationError
from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import Announcement, OrgUnit, Project
from app.services.access.actors import Actor
from app.services.access.permissions import require_any_role

PUBLISHERS = ("sys_admin", "city_official", "district_safety_officer", "district_quality_officer",
              "district_leader")


@dataclass(frozen=True)
class AnnouncementView:
    id: int
    title: str
    body: str
    published_by: str | None
    published_at: datetime
    org_name: str | None


def publish(actor: Actor, title: str, body: str) -> int:
    """Publish to the actor's jurisdiction. Raises PermissionDeniedError, ValidationError."""
    require_any_role(actor, *PUBLISHERS)
    fields = {}
    if not (title or "").strip():
        fields["title"] = ["请填写标题。"]
    elif len(title.strip()) > 200:
        fields["title"] = ["标题不超过 200 字。"]
    if not (body or "").strip():
        fields["body"] = ["请填写正文。"]
    if fields:
        raise ValidationError("公告填写有误。", fields=fields)
    path = (actor.jurisdiction_paths or ("/",))[0]
    with transaction(actor):
        row = Announcement(title=title.strip(), body=body.strip(), org_path=path, published_by_id=actor.user_id,
                           published_by=actor.display_name or actor.username, published_at=wallclock.now())
        db.session.add(row)
        db.session.flush()
    return row.id


def _reader_paths(actor: Actor) -> list[str]:
    """Org paths the actor reads from: his jurisdictions and his projects' districts."""
    paths = list(actor.jurisdiction_paths)
    if actor.project_ids:
        paths += db.session.scalars(select(OrgUnit.path).join(Project, Project.district_id == OrgUnit.id)
                                    .where(Project.id.in_(sorted(actor.project_ids)))).all()
    return [p for p in paths if p]


def _visible(actor: Actor, row: Announcement, paths: list[str]) -> bool:
    # Published above the reader (city → district projects) or below an official's jurisdiction.
    return actor.is_admin or any(p.startswith(row.org_path) or row.org_path.startswith(p) for p in paths)


def _view(row: Announcement) -> AnnouncementView:
    unit = db.session.scalar(select(OrgUnit.name).where(OrgUnit.path == row.org_path))
    return AnnouncementView(row.id, row.title, row.body, row.published_by, row.published_at, unit)


def list_announcements(actor: Actor, limit: int = 20, offset: int = 0) -> list[AnnouncementView]:
    """Newest announcements the actor may read (however old: the reading rule is SQL)."""
    rows = db.session.scalars(select(Announcement).where(_readable(actor))
                              .order_by(Announcement.published_at.desc(), Announcement.id.desc())
                              .limit(limit).offset(offset))
    return [_view(r) for r in rows]


def count_announcements(actor: Actor) -> int:
    return db.session.scalar(select(func.count()).select_from(Announcement).where(_readable(actor))) or 0


def _readable(actor: Actor) -> ColumnElement[bool]:
    """_visible as SQL: published at or above one of the reader's paths (one of its prefixes), or
    below an official's jurisdiction."""
    if actor.is_admin:
        return true()
    paths = _reader_paths(actor)
    if not paths:
        return false()
    above = sorted({path[:i + 1] for path in paths for i, ch in enumerate(path) if ch == "/"} | set(paths))
    return or_(Announcement.org_path.in_(above),
               *(Announcement.org_path.startswith(path, autoescape=True) for path in sorted(set(paths))))


def get_announcement(actor: Actor, announcement_id: int) -> AnnouncementView:
    """One readable announcement. Raises NotFoundError."""
    row = db.session.get(Announcement, announcement_id)
    if row is None or not _visible(actor, row, _reader_paths(actor)):
        raise NotFoundError("没有找到该公告。", code="announcement_not_found")
    return _view(row)
