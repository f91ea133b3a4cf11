"""The legal-clause library (法律条款库) that rectification orders cite; officials maintain it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import LegalClause
from app.services.access.actors import Actor

CODE_PATTERN = re.compile(r"[A-Za-z0-9_.\-]{1,32}")  # same as the order form's clause pattern
MAINTAINERS = frozenset({"sys_admin", "city_official", "district_safety_officer",
                         "district_quality_officer"})


@dataclass(frozen=True)
class ClauseView:
    id: int
    code: str
    title: str
    text: str
    active: bool


def _view(row: LegalClause) -> ClauseView:
    return ClauseView(row.id, row.code, row.title, row.text, row.active)


def list_clauses(actor: Actor, *, active: bool | None = None, query: str | None = None) -> list[ClauseView]:
    """Every clause (officials and enterprises alike may read the legal basis)."""
    stmt = select(LegalClause).order_by(LegalClause.code)
    if active is not None:
        stmt = stmt.where(LegalClause.active == active)
    if query:
        like = f"%{query}%"
        stmt = stmt.where(LegalClause.title.like(like) | LegalClause.code.like(like)
                          | LegalClause.text.like(like))
    return [_view(r) for r in db.session.scalars(stmt)]


def _require_maintainer(actor: Actor) -> None:
    if not actor.roles & MAINTAINERS:
        raise PermissionDeniedError("只有监管人员可以维护法律条款库。", code="clause_edit_denied")


def _check(code: str, title: str, text: str) -> None:
    fields = {}
    if not CODE_PATTERN.fullmatch(code or ""):
        fields["code"] = ["条款编号须为 1-32 位字母、数字、.、- 或 _。"]
    if not (title or "").strip():
        fields["title"] = ["请填写条款名称。"]
    if not (text or "").strip():
        fields["text"] = ["请填写条款内容。"]
    if fields:
        raise ValidationError("条款信息有误。", fields=fields)


def create_clause(actor: Actor, code: str, title: str, text: str) -> int:
    """Add a clause. Raises PermissionDeniedError(`clause_edit_denied`), ValidationError,
    ConflictError(`clause_code_taken`)."""
    _require_maintainer(actor)
    _check(code, title, text)
    with transaction(actor):
        if db.session.scalar(select(LegalClause.id).where(LegalClause.code == code)):
            raise ConflictError("条款编号已存在。", code="clause_code_taken")
        row = LegalClause(code=code, title=title.strip(), text=text.strip(), active=True,
                          updated_by=actor.username, updated_at=wallclock.now())
        db.session.add(row)
        db.session.flush()
        return row.id


def update_clause(actor: Actor, clause_id: int, *, title: str | None = None,
                  text: str | None = None, active: bool | None = None) -> None:
    """Edit or (de)activate a clause; orders already issued keep their snapshot.

    Raises PermissionDeniedError(`clause_edit_denied`), NotFoundError(`clause_not_found`),
    ValidationError.
    """
    _require_maintainer(actor)
    with transaction(actor):
        row = db.session.get(LegalClause, clause_id)
        if row is None:
            raise NotFoundError("没有找到该条款。", code="clause_not_found")
        _check(row.code, title if title is not None else row.title,
               text if text is not None else row.text)
        if title is not None:
            row.title = title.strip()
        if text is not None:
            row.text = text.strip()
        if active is not None:
            row.active = active
        row.updated_by, row.updated_at = actor.username, wallclock.now()


def resolve(codes: Any) -> list[dict[str, Any]]:
    """Snapshot of the cited clauses (code, title, text); unknown or inactive codes are kept
    with `"known": False` so the official sees them on the notice draft."""
    codes = [c for c in (codes or []) if isinstance(c, str)]
    rows = {r.code: r for r in db.session.scalars(
        select(LegalClause).where(LegalClause.code.in_(codes)))} if codes else {}
    out = []
    for code in codes:
        row = rows.get(code)
        known = row is not None and row.active
        out.append({"code": code, "title": row.title if row else "", "text": row.text if row else "",
                    "known": known})
    return out
