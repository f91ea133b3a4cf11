"""Supervision statistics (监督执法统计, seed 000 3.1.9.3): orders, hazardous works, urging.

Definitions (projects the actor may see):
- orders: rectification orders issued inside the period's China days, of the requested order
  type if one is given, per type (限期整改 / 局部停工 / 全面停工): issued; replied (the project
  replied at least once); overdue (no reply by the end of the deadline day, China time: replied
  late, or not replied and the deadline day is over); closed (status closed);
- hazardous works: the register as it stands now (statuses are current states, not events),
  per category, per status, and how many are super-scale (超过一定规模);
- urging: per lead unit, the assignments, sign-for and completion rates and urge counts of
  `supervision.urging_stats` (officials only: urging is between authorities, so an enterprise
  user gets an empty table).
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import case, func, select

from app.extensions import db
from app.infra import wallclock
from app.models import HazardousCategory, HazardousWork, RectificationOrder
from app.models.orders import ORDER_TYPES
from app.services.access.actors import Actor
from app.services.access.scoping import visible_project_ids
from app.services.hazard.start_rules import STATUS_LABELS
from app.services.insight.filters import StatsFilter, rate, require_scope
from app.services.supervision import urging_stats


def _orders(actor: Actor, flt: StatsFilter) -> list[dict]:
    stmt = (select(RectificationOrder.order_type, RectificationOrder.deadline, RectificationOrder.replied_at,
                   RectificationOrder.status)
            .where(RectificationOrder.project_id.in_(visible_project_ids(actor)),
                   RectificationOrder.issued_at >= flt.start_at, RectificationOrder.issued_at <= flt.end_at))
    if flt.kind:
        stmt = stmt.where(RectificationOrder.order_type == flt.kind)
    today = wallclock.local_today()
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for order_type, deadline, replied_at, status in db.session.execute(stmt):
        t = tally[order_type]
        late = (wallclock.local_date(replied_at) > deadline) if replied_at else today > deadline
        t[0] += 1
        t[1] += replied_at is not None
        t[2] += late
        t[3] += status == "closed"
    return [{"order_type": k, "label": ORDER_TYPES.get(k, k), "issued": i, "replied": r, "overdue": o,
             "closed": c, "reply_rate": rate(r, i), "closure_rate": rate(c, i)}
            for k in [*ORDER_TYPES, *sorted(set(tally) - set(ORDER_TYPES))] if k in tally
            for i, r, o, c in [tally[k]]]


def _works(actor: Actor) -> dict:
    visible = HazardousWork.project_id.in_(visible_project_ids(actor))
    by_category = db.session.execute(
        select(HazardousCategory.code, HazardousCategory.name_zh, func.count(),
               func.sum(case((HazardousWork.super_scale.is_(True), 1), else_=0)))
        .join(HazardousWork, HazardousWork.category_id == HazardousCategory.id).where(visible)
        .group_by(HazardousCategory.code, HazardousCategory.name_zh).order_by(HazardousCategory.code))
    by_status = dict(db.session.execute(select(HazardousWork.status, func.count()).where(visible)
                                        .group_by(HazardousWork.status)).all())
    categories = [{"category": code, "label": name, "count": n, "super_scale": int(s or 0)}
                  for code, name, n, s in by_category]
    return {"by_category": categories,
            "by_status": [{"status": s, "label": STATUS_LABELS.get(s, s), "count": by_status[s]}
                          for s in [*STATUS_LABELS, *sorted(set(by_status) - set(STATUS_LABELS))]
                          if s in by_status],
            "total": sum(c["count"] for c in categories),
            "super_scale": sum(c["super_scale"] for c in categories)}


def _urging(actor: Actor) -> list[dict]:
    if not (actor.is_admin or actor.jurisdiction_paths):
        return []
    return [{"unit": u.unit_name, "assigned": u.assigned, "signed": u.signed, "completed": u.completed,
             "sign_rate": u.sign_rate, "completion_rate": u.completion_rate, "urge_count": u.urge_count}
            for u in urging_stats.unit_statistics(actor)]


def supervision_statistics(actor: Actor, flt: StatsFilter) -> dict:
    """Orders, hazardous works and urging figures for the actor's scope. Raises PermissionDeniedError."""
    require_scope(actor)
    return {"orders": _orders(actor, flt), "works": _works(actor), "urging": _urging(actor)}
