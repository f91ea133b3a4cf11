"""Inbox queries over materialised task rows: they never load a workflow.

The candidate rule mirrors `case_runtime.is_candidate`: a row bound to one user
(`candidate_user_id`) is that user's alone; otherwise enterprise roles match on the project and
authority roles on the district path under the org unit where the role is held.

Query shape (PostgreSQL at 100k open / 1M completed rows, bench/engine.py (c)): an OR of the
candidate arms defeats ordered index scans, so open-row scopes are a UNION of one branch per arm
(each a role + project pair, a role + district-path prefix, the seats bound to the user, the rows
assigned to him). Each branch reads only its partial covering index (InboxTask.__table_args__),
in sort order where the index allows, limited to offset + limit rows; the union is re-sorted and
only that page's rows are read from the table. The branches are disjoint (nested jurisdictions are
reduced to the outermost path, the assigned-to-me branch excludes what the others cover), so the
union is a UNION ALL and the total a plain count over it, in the same statement; `counts()` is one
statement as well.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

from sqlalchemy import (
    Boolean,
    ColumnElement,
    DateTime,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    cast,
    false,
    func,
    literal_column,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal

from app.infra.uow import core_connection
from app.infra.wallclock import now as clock_now
from app.models import InboxTask, Project
from app.roles import AUTHORITY_ROLES, ENTERPRISE_ROLES
from app.services.access.actors import Actor
from app.services.access.projects import Page

SCOPES = ("all", "mine", "claimable", "jurisdiction", "done")
# NULLS LAST is the order of an ascending index on both backends, so the branches can stop early.
# Each sort as a function of the columns it orders (the table's, then the union's); id breaks ties.
SORTS = {"due": lambda c: (c.due_at.asc().nulls_last(), c.id),
         "priority": lambda c: (c.priority.desc(), c.id),
         "created": lambda c: (c.created_at.desc(), c.id)}
# What a branch of a page selects: the row's id and the one column its sort orders by (with
# `due` the enterprise and role-due indexes hold both: the branch reads its index alone).
_SORT_KEYS = {"due": (InboxTask.id, InboxTask.due_at), "priority": (InboxTask.id, InboxTask.priority),
              "created": (InboxTask.id, InboxTask.created_at)}
_PLAIN_PATH = re.compile(r"[/0-9A-Za-z.-]*")
# "now" is a parameter of the cached statements, given at execution.
_NOW = bindparam("inbox_now", type_=InboxTask.__table__.c.due_at.type)


@dataclass(frozen=True)
class InboxFilter:
    scope: str = "all"
    process_key: str | None = None
    project_code: str | None = None
    overdue: bool = False
    due_before: datetime | None = None
    sort: str = "due"
    limit: int = 50
    offset: int = 0


class _PathPrefix(ColumnElement[bool]):
    """`district_path` starts with a plain path (only `/0-9A-Za-z.-`: no wildcard, no quote), the
    path written into the SQL: `LIKE '/1/4/%'` (a `varchar_pattern_ops` index serves it) and on
    SQLite `GLOB '/1/4/*'`, because SQLite's LIKE is case-insensitive and no index serves it there
    (an official's count walked every open row: bench/request_cpu.py --user district_safety)."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a predicate as it stands (not `... = 1` on SQLite)
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("path", InternalTraversal.dp_string)]

    def __init__(self, column, path: str) -> None:
        if not _PLAIN_PATH.fullmatch(path):
            raise ValueError(f"not a plain path: {path!r}")
        self.column, self.path = column, path


@compiles(_PathPrefix)
def _path_like(element: _PathPrefix, compiler, **kw) -> str:
    return f"{compiler.process(element.column, **kw)} LIKE {compiler.render_literal_value(element.path + '%', String())}"


@compiles(_PathPrefix, "sqlite")
def _path_glob(element: _PathPrefix, compiler, **kw) -> str:
    return f"{compiler.process(element.column, **kw)} GLOB {compiler.render_literal_value(element.path + '*', String())}"


class _OpenRow(ColumnElement[bool]):
    """`status = 'open'` as a constant, the very predicate of the partial indexes (with a bound
    parameter SQLite read every row's status from the table to test it); on SQLite wrapped in
    `likely()`: without statistics SQLite takes an equality for selective and walked every open
    row through `ix_inbox_task_status` rather than a partial index's range (an official's
    jurisdiction count: 21 ms → 0.6 ms at 110,000 open rows)."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True
    _traverse_internals = []


@compiles(_OpenRow)
def _open_row(element: _OpenRow, compiler, **kw) -> str:
    return f"{compiler.process(InboxTask.__table__.c.status, **kw)} = 'open'"


@compiles(_OpenRow, "sqlite")
def _open_row_likely(element: _OpenRow, compiler, **kw) -> str:
    return f"likely({_open_row(element, compiler, **kw)})"


_IS_OPEN = _OpenRow()


def under_path(path: str) -> ColumnElement[bool]:
    """district_path starts with `path`, with a constant prefix pattern an index serves
    (`startswith` would concatenate a parameter in SQL)."""
    if _PLAIN_PATH.fullmatch(path):
        return _PathPrefix(InboxTask.district_path, path)
    return InboxTask.district_path.startswith(path, autoescape=True)


def _outermost(paths) -> list[str]:
    """The paths without an ancestor among them: their subtrees are disjoint."""
    unique = sorted(set(paths))
    return [p for p in unique if not any(p != q and p.startswith(q) for q in unique)]


def _role_arms(actor: Actor, *, admin_everywhere: bool = True) -> list[ColumnElement[bool]]:
    """One condition per (role, project) or (role, outermost district path) the actor holds;
    no two arms match the same row. An administrator may work on any row (`admin_everywhere`),
    but his inbox lists only the rows of roles he holds (not every contractor's to-do list)."""
    if actor.is_admin and admin_everywhere:
        return [true()]
    pairs: set[tuple[str, int]] = set()
    paths: dict[str, list[str]] = {}
    for g in actor.grants:
        if g.role in ENTERPRISE_ROLES and g.project_id is not None:
            pairs.add((g.role, g.project_id))
        elif g.role in AUTHORITY_ROLES and g.org_path:
            paths.setdefault(g.role, []).append(g.org_path)
    arms = [and_(InboxTask.role == role, InboxTask.project_id == pid) for role, pid in sorted(pairs)]
    return arms + [and_(InboxTask.role == role, under_path(p))
                   for role in sorted(paths) for p in _outermost(paths[role])]


def role_match(actor: Actor) -> ColumnElement[bool]:
    """Rows whose role this actor holds where the row lives (ignoring seat binding)."""
    arms = _role_arms(actor)
    return or_(*arms) if arms else false()


def candidate_filter(actor: Actor) -> ColumnElement[bool]:
    """Open rows this actor may work on (claimable by him or already his)."""
    me = actor.user_id or -1
    by_role = and_(InboxTask.candidate_user_id.is_(None), role_match(actor))
    return or_(by_role, InboxTask.candidate_user_id == me, InboxTask.assignee_id == me)


def jurisdiction_filter(actor: Actor) -> ColumnElement[bool]:
    """Every row in the org units where the actor holds an authority role."""
    if actor.is_admin:
        return true()
    paths = _outermost(actor.jurisdiction_paths)
    return or_(*(under_path(p) for p in paths)) if paths else false()


def _branches(actor: Actor, scope: str) -> list[ColumnElement[bool]]:
    """The scope over open rows as disjoint conditions (no row matches two): their OR is the
    scope, so the union of the branches needs no de-duplication (UNION ALL, summed counts)."""
    if scope not in ("mine", "claimable", "jurisdiction"):
        return [branch for branch, _seats in _all_branches(actor)]
    me = actor.user_id or -1
    unassigned = InboxTask.assignee_id.is_(None)
    seat, by_role = InboxTask.candidate_user_id == me, InboxTask.candidate_user_id.is_(None)
    arms = _role_arms(actor, admin_everywhere=False)
    if scope == "mine":
        return [InboxTask.assignee_id == me, and_(seat, unassigned)]
    if scope == "claimable":
        return [and_(by_role, arm, unassigned) for arm in arms] + [and_(seat, unassigned)]
    if actor.is_admin:  # the jurisdiction: every row for an administrator
        return [true()]
    return [under_path(p) for p in _outermost(actor.jurisdiction_paths)] or [false()]


def _all_branches(actor: Actor) -> list[tuple[ColumnElement[bool], bool]]:
    """The "all" scope's disjoint branches, each with whether it is the seats' branch: one per
    role arm (unassigned or assigned to me), my seats (unassigned or mine), and the rows assigned
    to me that neither my seats nor my roles cover (e.g. assigned by a manager)."""
    me = actor.user_id or -1
    free_or_mine = or_(InboxTask.assignee_id.is_(None), InboxTask.assignee_id == me)
    seat, by_role = InboxTask.candidate_user_id == me, InboxTask.candidate_user_id.is_(None)
    arms = _role_arms(actor, admin_everywhere=False)
    covered = or_(seat, and_(by_role, or_(*arms) if arms else false()))
    assigned_only = and_(InboxTask.assignee_id == me, ~func.coalesce(covered, false()))
    return ([(and_(by_role, arm, free_or_mine), False) for arm in arms]
            + [(and_(seat, free_or_mine), True), (assigned_only, False)])


def _filters(f: InboxFilter) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if f.process_key:
        out.append(InboxTask.process_key == f.process_key)
    if f.project_code:
        out.append(InboxTask.project_id == select(Project.id).where(Project.code == f.project_code)
                   .scalar_subquery())
    if f.overdue:
        out.append(InboxTask.due_at < _NOW)
    if f.due_before:
        out.append(InboxTask.due_at < f.due_before)
    return out


def _done(actor: Actor) -> ColumnElement[bool]:
    """Rows the actor completed. The status is a constant of the SQL, as `_IS_OPEN` is: with a
    bound parameter SQLite's tabs' counts statement took 0.5 ms for a contractor, with the
    constant 0.31 (this count alone is 0.01 ms either way)."""
    return and_(InboxTask.status == literal_column("'completed'"), InboxTask.completed_by_id == (actor.user_id or -1))


def _union(actor: Actor, scope: str, extra: list[ColumnElement[bool]], *, columns, order=(), limit=None):
    """Subquery of `columns` (id, the sort's key) of the scope's rows; with `limit`, each branch's
    first rows."""
    conds = [_done(actor)] if scope == "done" else [and_(_IS_OPEN, b) for b in _branches(actor, scope)]
    parts = []
    for cond in conds:
        part = select(*columns).where(cond, *extra)
        if limit is not None:
            part = part.order_by(*order).limit(limit)
        parts.append(part)
    if len(parts) == 1:
        return parts[0].subquery()
    # SQLite takes no ORDER BY/LIMIT on a compound member: wrap each one.
    return union_all(*(select(*p.subquery().c) if limit is not None else p for p in parts)).subquery()


def _summed(column) -> ColumnElement[int]:
    """The sum of the branches' counts as an integer (PostgreSQL's sum of bigints is a numeric:
    a Decimal, whose floor division truncates, so a page count came out one short)."""
    return cast(func.coalesce(func.sum(column), 0), Integer)


def _count(actor: Actor, scope: str, extra: list[ColumnElement[bool]]):
    """The scope's row count: each branch counted on its own, the counts added up (a count over
    the branches' union passed every row through SQLite's union co-routine: twice the cost)."""
    conds = [_done(actor)] if scope == "done" else [and_(_IS_OPEN, b) for b in _branches(actor, scope)]
    parts = [select(func.count().label("n")).select_from(InboxTask).where(cond, *extra) for cond in conds]
    if len(parts) == 1:
        return parts[0]
    counted = union_all(*parts).subquery()
    return select(_summed(counted.c.n).label("n"))


def _cache_key(actor: Actor) -> Actor:
    """What the statements depend on: the user and his grants (not his name, IP, …)."""
    return Actor(user_id=actor.user_id, username="", grants=actor.grants)


# A listed row is a plain result row of these columns (read like an InboxTask: row.title…), not
# an ORM object: building 50 tracked InboxTask instances was a fifth of an API list request's CPU.
# form_values stays out, as the model defers it.
LISTED_COLUMNS = tuple(column for column in InboxTask.__table__.c if column.key != "form_values")


@lru_cache(maxsize=512)
def _page_statement(actor: Actor, f: InboxFilter, counted: bool = True) -> Select:
    """One page of rows, each with the scope's total (a scalar subquery: one round trip) unless
    not `counted`. Cached: building the union costs more Python time than PostgreSQL spends running it."""
    scope = f.scope if f.scope in SCOPES else "all"
    extra = _filters(f)
    by = f.sort if f.sort in SORTS else "due"
    sort = SORTS[by]
    top = _union(actor, scope, extra, columns=_SORT_KEYS[by], order=sort(InboxTask), limit=f.offset + f.limit)
    total = [_count(actor, scope, extra).scalar_subquery().label("total")] if counted else []
    return (select(*LISTED_COLUMNS, *total).join(top, top.c.id == InboxTask.id)
            .order_by(*sort(top.c)).limit(f.limit).offset(f.offset))


@lru_cache(maxsize=512)
def _fields_statement(actor: Actor, f: InboxFilter, fields: tuple[str, ...]) -> Select:
    """The page statement of `fields` (columns of the table, or "overdue") and the total. Dates
    come as the driver gives them, unconverted: SQLite's stored text, PostgreSQL's datetime
    (turning 200 texts a page into aware datetimes and back into ISO texts was a fifth of an API
    list request's CPU). "overdue" is worked out by the database, as the overdue filter is."""
    top_page = _page_statement(actor, f)
    table = InboxTask.__table__
    overdue = and_(table.c.status == "open", table.c.due_at.is_not(None), table.c.due_at < _NOW)
    columns = [overdue.label(name) if name == "overdue"
               else type_coerce(table.c[name], String()).label(name) if isinstance(getattr(table.c[name].type, "impl", None), DateTime)
               else table.c[name] for name in fields]
    return top_page.with_only_columns(*columns, top_page.selected_columns.total, maintain_column_froms=True)


def list_task_fields(actor: Actor, f: InboxFilter, fields: tuple[str, ...],
                     now: datetime | None = None) -> Page:
    """`list_tasks` for the wire: each row the values of `fields` in that order (dates
    unconverted: see _fields_statement), then the total."""
    key = _cache_key(actor)
    return _paged(_fields_statement(key, f, fields), key, f, now)


@lru_cache(maxsize=512)
def _total_statement(actor: Actor, f: InboxFilter) -> Select:
    return _count(actor, f.scope if f.scope in SCOPES else "all", _filters(f))


@lru_cache(maxsize=512)
def _counts_statement(actor: Actor) -> Select:
    """The tabs' counts in one statement. "mine" and "claimable" are parts of "all" (every open
    row assigned to the actor is in "all", and so is every seat of his not yet claimed; "all"'s
    unassigned rows are exactly "claimable"), so they are counted in the same pass over "all"'s
    rows, and each branch of "all" is aggregated on its own (the sums of a few rows are added
    up): SQLite passed every counted row through the union's co-routine, twice the cost.

    Per branch no expression is evaluated per row: every row of a branch is unassigned or
    assigned to the actor, so its assigned rows are his ("mine": `count(assignee_id)`; in the
    seats' branch every row is his) and the rest is "claimable"; "overdue" is a second count
    over the range of the branch's index before now (rows in due order), not a test of every
    row's date (a contractor's counts 0.57 → 0.32 ms raw at 100,000 open rows)."""
    per_branch = []
    for branch, seats in _all_branches(actor):
        rows = and_(_IS_OPEN, branch)
        overdue = select(func.count()).select_from(InboxTask).where(rows, InboxTask.due_at < _NOW) \
            .correlate(None).scalar_subquery()  # its own pass over the index, not the outer row
        assigned = func.count(InboxTask.assignee_id)
        per_branch.append(select(func.count().label("n"), overdue.label("overdue"),
                                 (func.count() if seats else assigned).label("mine"),
                                 (func.count() - assigned).label("claimable"))
                          .select_from(InboxTask).where(rows))
    branches = union_all(*per_branch).subquery()
    of_all = select(*(_summed(c).label(c.key) for c in branches.c)).subquery("all")
    subs = [of_all] + [_count(actor, scope, []).subquery(scope) for scope in ("jurisdiction", "done")]
    joined = subs[0]
    for sub in subs[1:]:  # each is one row: their cross join is one row
        joined = joined.join(sub, true())
    return select(*of_all.c, subs[1].c.n.label("jurisdiction"), subs[2].c.n.label("done")).select_from(joined)


def list_tasks(actor: Actor, f: InboxFilter, now: datetime | None = None) -> Page:
    """One page of inbox rows (result rows of LISTED_COLUMNS and `total`, read-only) with the
    total count for the same filter."""
    key = _cache_key(actor)
    return _paged(_page_statement(key, f), key, f, now)


def _paged(statement: Select, key: Actor, f: InboxFilter, now: datetime | None) -> Page:
    """Run a page statement whose rows end with the total; a page past the end counts on its own."""
    params = {"inbox_now": now or clock_now()}
    rows = core_connection().execute(statement, params).all()
    if rows:
        return Page(rows, rows[0][-1])
    if f.offset == 0:
        return Page([], 0)
    total = core_connection().execute(_total_statement(key, replace(f, offset=0, limit=0)), params).scalar()
    return Page([], total or 0)


def is_unfiltered(f: InboxFilter) -> bool:
    """Whether `f` lists a whole tab (its total is that tab's count)."""
    return not (f.process_key or f.project_code or f.overdue or f.due_before) and f.scope in SCOPES


def inbox_page(actor: Actor, f: InboxFilter, now: datetime | None = None) -> tuple[Page, dict[str, int]]:
    """A page of the inbox with the tabs' counts. A whole tab's total is its count, so the page
    is read without counting the tab a second time (the count of a contractor's ~3,000 rows was
    half the page statement's time at 100,000 open rows); a filtered page counts its own total."""
    now = now or clock_now()
    tabs = counts(actor, now)
    if not is_unfiltered(f):
        return list_tasks(actor, f, now), tabs
    rows = core_connection().execute(_page_statement(_cache_key(actor), f, counted=False), {"inbox_now": now}).all()
    return Page(rows, tabs[f.scope]), tabs


def counts(actor: Actor, now: datetime | None = None) -> dict[str, int]:
    """Counts per scope for the inbox tabs (plus "overdue" of "all"), in one statement."""
    row = core_connection().execute(_counts_statement(_cache_key(actor)), {"inbox_now": now or clock_now()}).one()
    return {"all": row.n, "overdue": row.overdue, "mine": row.mine, "claimable": row.claimable,
            "jurisdiction": row.jurisdiction, "done": row.done}


def is_overdue(row: InboxTask, now: datetime | None = None) -> bool:
    return row.status == "open" and row.due_at is not None and row.due_at < (now or clock_now())
