"""Inbox rows by role and scope: enterprise roles per project, authority roles per jurisdiction."""
from datetime import UTC, datetime, timedelta

import pytest

from app.models import User
from app.services.access.actors import actor_for
from app.services.workflow.inbox_queries import InboxFilter, counts, inbox_page, list_tasks
from tests.support.factories import gen_inbox_task, gen_instance, gen_org_unit, gen_project, gen_user

NOW = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


@pytest.fixture
def world(app):
    province = gen_org_unit()
    city = gen_org_unit(province)
    d1, d2 = gen_org_unit(city), gen_org_unit(city)
    p1, p2 = gen_project(d1), gen_project(d2)
    users = {
        "pm1": gen_user("contractor_pm", project=p1), "pm2": gen_user("contractor_pm", project=p2),
        "chief1": gen_user("chief_supervisor", project=p1),
        "safety1": gen_user("district_safety_officer", org_unit=d1),
        "city": gen_user("district_safety_officer", org_unit=city),
        "expert": gen_user("expert"),
    }
    i1, i2 = gen_instance(p1), gen_instance(p2)
    rows = {
        "pm_p1": gen_inbox_task(i1, "contractor_pm", due_at=NOW - timedelta(hours=1), priority=10),
        "pm_p2": gen_inbox_task(i2, "contractor_pm", due_at=NOW + timedelta(days=1)),
        "chief_p1": gen_inbox_task(i1, "chief_supervisor", priority=90),
        "officer_p1": gen_inbox_task(i1, "district_safety_officer", due_at=NOW + timedelta(hours=2)),
        "officer_p2": gen_inbox_task(i2, "district_safety_officer"),
        "seat": gen_inbox_task(i1, "expert", candidate_user_id=users["expert"].id),
    }
    return users, rows


def _ids(user: User, rows, **kw):
    page = list_tasks(actor_for(user), InboxFilter(**kw), now=NOW)
    names = {v.id: k for k, v in rows.items()}
    return [names[r.id] for r in page.items], page.total


def test_enterprise_roles_match_their_project_only(world):
    users, rows = world
    assert _ids(users["pm1"], rows)[0] == ["pm_p1"]
    assert _ids(users["pm2"], rows)[0] == ["pm_p2"]
    assert _ids(users["chief1"], rows)[0] == ["chief_p1"]


def test_authority_roles_match_the_jurisdiction(world):
    users, rows = world
    assert _ids(users["safety1"], rows)[0] == ["officer_p1"]
    assert sorted(_ids(users["city"], rows)[0]) == ["officer_p1", "officer_p2"]


def test_a_seat_bound_to_a_user_is_his_alone(world):
    users, rows = world
    assert _ids(users["expert"], rows)[0] == ["seat"]
    other_expert = gen_user("expert")
    assert _ids(other_expert, rows)[0] == []


def test_overdue_filter_sort_and_counts(world):
    users, rows = world
    city = users["city"]
    assert _ids(users["pm1"], rows, overdue=True)[0] == ["pm_p1"]
    assert _ids(city, rows, scope="jurisdiction", sort="due")[0][:3] == ["pm_p1", "officer_p1", "pm_p2"]
    assert _ids(city, rows, scope="jurisdiction", sort="priority")[0][0] == "chief_p1"
    assert _ids(city, rows, scope="jurisdiction")[1] == 6
    c = counts(actor_for(users["pm1"]), now=NOW)
    assert c["all"] == 1 and c["overdue"] == 1 and c["mine"] == 0 and c["claimable"] == 1


def test_assigned_rows_leave_the_others_claimable_list(world):
    users, rows = world
    from app.extensions import db

    colleague = gen_user("contractor_pm", project=db.session.get(type(rows["pm_p1"].instance.project),
                                                                     rows["pm_p1"].project_id))
    rows["pm_p1"].assignee_id = users["pm1"].id
    db.session.commit()
    assert _ids(users["pm1"], rows, scope="mine")[0] == ["pm_p1"]
    assert _ids(colleague, rows)[0] == []
    assert _ids(colleague, rows, scope="claimable")[0] == []


def test_filters_by_process_project_and_due_before(world):
    users, rows = world
    city = users["city"]
    p2_code = rows["pm_p2"].instance.project.code
    assert sorted(_ids(city, rows, scope="jurisdiction", project_code=p2_code)[0]) == ["officer_p2", "pm_p2"]
    assert _ids(city, rows, scope="jurisdiction", process_key="other")[1] == 0
    before = _ids(city, rows, scope="jurisdiction", due_before=NOW + timedelta(hours=3))[0]
    assert sorted(before) == ["officer_p1", "pm_p1"]


def test_done_tasks_are_the_ones_i_completed(world):
    users, rows = world
    from app.extensions import db

    rows["chief_p1"].status = "completed"
    rows["chief_p1"].completed_by_id = users["chief1"].id
    db.session.commit()
    assert _ids(users["chief1"], rows)[0] == []
    assert _ids(users["chief1"], rows, scope="done")[0] == ["chief_p1"]


def test_overlapping_grants_and_assignments_count_each_row_once(world):
    """Nested jurisdictions and a row both assigned to me and claimable by my role must appear
    (and be counted) once: the inbox unions one branch per grant."""
    users, rows = world
    from app.extensions import db
    from app.models import RoleGrant

    city = users["city"]
    db.session.add(RoleGrant(user_id=city.id, role_code="district_safety_officer",
                             org_unit_id=rows["officer_p1"].instance.project.district_id))
    rows["officer_p1"].assignee_id = city.id
    rows["pm_p2"].assignee_id = city.id  # assigned outside his roles: still his
    db.session.commit()
    names, total = _ids(city, rows)
    assert sorted(names) == ["officer_p1", "officer_p2", "pm_p2"] and total == 3
    assert sorted(_ids(city, rows, scope="mine")[0]) == ["officer_p1", "pm_p2"]
    assert _ids(city, rows, scope="jurisdiction")[1] == 6
    assert _ids(city, rows, limit=1, offset=5) == ([], 3)
    c = counts(actor_for(city), now=NOW)
    assert (c["all"], c["mine"], c["claimable"], c["jurisdiction"]) == (3, 2, 1, 6)


def test_the_administrators_inbox_lists_only_the_rows_of_roles_he_holds(world):
    users, rows = world
    from app.extensions import db
    from app.models import RoleGrant

    province = rows["officer_p1"].instance.project.district
    while province.parent is not None:
        province = province.parent
    admin = gen_user("sys_admin", org_unit=province)
    assert _ids(admin, rows)[0] == [] and _ids(admin, rows, scope="claimable")[0] == []
    assert _ids(admin, rows, scope="jurisdiction")[1] == 6  # he still oversees every case
    c = counts(actor_for(admin), now=NOW)
    assert c["all"] == 0 and c["claimable"] == 0 and c["jurisdiction"] == 6
    db.session.add(RoleGrant(user_id=admin.id, role_code="district_safety_officer", org_unit_id=province.id))
    db.session.commit()
    assert sorted(_ids(admin, rows)[0]) == ["officer_p1", "officer_p2"]



def _explain(statement, how: str = "EXPLAIN") -> list[tuple]:
    """SQLite's EXPLAIN (the VM program) or EXPLAIN QUERY PLAN of an inbox statement."""
    from app.extensions import db

    compiled = statement.compile(dialect=db.engine.dialect)
    values = compiled.construct_params({"inbox_now": None})
    return db.session.connection().exec_driver_sql(
        f"{how} {compiled}", tuple(values[n] for n in compiled.positiontup)).all()


def _program_through(index: str, statement) -> tuple[list[tuple], set[int]]:
    """SQLite's VM program of `statement` and the cursors it opens on `index` (asserted used)."""
    from app.extensions import db

    root = db.session.connection().exec_driver_sql(
        "SELECT rootpage FROM sqlite_master WHERE name = ?", (index,)).scalar()
    ops = _explain(statement)
    index_cursors = {op[2] for op in ops if op[1] == "OpenRead" and op[3] == root}
    assert index_cursors, f"{index} unused"
    return ops, index_cursors


def _table_reads_behind(index: str, statement) -> list[tuple]:
    """The VM instructions of `statement` (SQLite) that read a table column of a row found
    through `index`: the table cursor a DeferredSeek ties to that index is read only by them."""
    ops, index_cursors = _program_through(index, statement)
    tables = {op[4] for op in ops if op[1] in ("DeferredSeek", "SeekRowid") and op[2] in index_cursors}
    return [op for op in ops if op[1] == "Column" and op[2] in tables]


def _seeks_behind(index: str, statement) -> list[tuple]:
    """The VM instructions of `statement` (SQLite) that seek the table row of an entry found
    through `index` (a DeferredSeek is paid per row even when no table column is read)."""
    ops, index_cursors = _program_through(index, statement)
    return [op for op in ops if op[1] == "DeferredSeek" and op[2] in index_cursors]


def test_sqlite_counts_an_enterprise_users_rows_from_the_index_alone(sqlite_app):
    """SQLite has no INCLUDE: the enterprise index carries the candidate and assignee columns as
    trailing keys, `status = 'open'` is a constant and the counted union selects only indexed
    columns, so counting a contractor's open rows never reads the table (it read one row per
    counted row: most of an API list request's time at 100,000 open rows, bench/http_load.py)."""
    from app.extensions import db
    from app.services.workflow import inbox_queries

    project = gen_project(gen_org_unit(gen_org_unit()))
    pm = gen_user("contractor_pm", project=project)
    key = inbox_queries._cache_key(actor_for(pm))
    for scope in ("all", "claimable"):
        statement = inbox_queries._total_statement(key, InboxFilter(scope=scope))
        assert _table_reads_behind("ix_inbox_task_open_enterprise", statement) == [], scope
        assert _seeks_behind("ix_inbox_task_open_enterprise", statement) == [], scope
    counted = inbox_queries._counts_statement(key)
    assert _table_reads_behind("ix_inbox_task_open_enterprise", counted) == []
    # … nor seeks it: with `status` as its last key SQLite takes the index as covering (each
    # counted row's deferred seek into the table was a quarter of the count; migration 0031).
    assert _seeks_behind("ix_inbox_task_open_enterprise", counted) == []
    plan = _explain(counted, "EXPLAIN QUERY PLAN")
    assert any("COVERING INDEX ix_inbox_task_open_enterprise " in row[-1] for row in plan), plan
    # Every status it tests is a constant of the SQL (a bound one cost the statement 60 % more).
    assert not [name for name in counted.compile(dialect=db.engine.dialect).positiontup if "status" in name]
    # A page in due order: each branch selects the id and due date only, both in the index (the
    # page's own columns are read for its 50 rows alone, by id).
    page = inbox_queries._page_statement(key, InboxFilter())
    assert _seeks_behind("ix_inbox_task_open_enterprise", page) == []


def test_sqlite_reads_an_officials_rows_through_a_path_range(sqlite_app):
    """SQLite's LIKE is case-insensitive, so no index serves `district_path LIKE '/1/4/%'` there:
    an official's branches walked every open row of the table (19 ms of a district officer's API
    list at 110,000 open rows); on SQLite the prefix is a GLOB, which an index serves as a range,
    and `status = 'open'` is likely()."""
    from app.services.workflow import inbox_queries

    district = gen_org_unit(gen_org_unit())
    officer = gen_user("district_safety_officer", org_unit=district)
    key = inbox_queries._cache_key(actor_for(officer))
    for scope in ("all", "claimable"):
        plan = _explain(inbox_queries._total_statement(key, InboxFilter(scope=scope)), "EXPLAIN QUERY PLAN")
        assert any("district_path>? AND district_path<?" in row[-1] for row in plan), (scope, plan)
    # … and his jurisdiction tab through the open rows' path index, not the status index (SQLite,
    # without statistics, took `status = 'open'` for selective: every open row, a lookup each).
    plan = _explain(inbox_queries._counts_statement(key), "EXPLAIN QUERY PLAN")
    assert not any("ix_inbox_task_status " in row[-1] for row in plan), plan
    # Both read their indexes alone: no seek into the table per counted row (migration 0031).
    for index in ("ix_inbox_task_open_role_path", "ix_inbox_task_open_path"):
        assert _seeks_behind(index, inbox_queries._counts_statement(key)) == [], index
    assert _seeks_behind("ix_inbox_task_open_role_path", inbox_queries._total_statement(key, InboxFilter())) == []


def test_each_tabs_count_is_the_total_of_its_list(world):
    """`counts()` reads "mine" and "claimable" in the same pass as "all": each tab's count stays
    the total of its own list, whatever the mix of seats, assignments and roles."""
    users, rows = world
    from app.extensions import db

    pm1, expert = users["pm1"], users["expert"]
    colleague = gen_user("contractor_pm", project=rows["pm_p1"].instance.project)
    i1 = rows["pm_p1"].instance
    extra = [gen_inbox_task(i1, "contractor_pm", due_at=NOW - timedelta(days=2)),   # claimable, overdue
             gen_inbox_task(i1, "contractor_pm"), gen_inbox_task(i1, "contractor_pm"),
             gen_inbox_task(i1, "expert", candidate_user_id=pm1.id),                # pm1's seat
             gen_inbox_task(i1, "expert", candidate_user_id=pm1.id)]               # … claimed below
    extra[1].assignee_id = pm1.id                       # his, by role
    extra[2].assignee_id = colleague.id                 # a colleague's: not pm1's, not claimable
    extra[4].assignee_id = pm1.id
    rows["pm_p2"].assignee_id = pm1.id                  # assigned outside his roles: still his
    rows["seat"].assignee_id = expert.id
    db.session.commit()
    for user in (pm1, colleague, expert, users["city"], users["safety1"], users["chief1"]):
        c = counts(actor_for(user), now=NOW)
        for scope in ("all", "mine", "claimable", "jurisdiction", "done"):
            assert c[scope] == _ids(user, rows | {f"x{n}": r for n, r in enumerate(extra)}, scope=scope)[1], \
                (user.username, scope)
        overdue = _ids(user, rows | {f"x{n}": r for n, r in enumerate(extra)}, overdue=True)[1]
        assert c["overdue"] == overdue, user.username
        # The inbox page takes a whole tab's total from its count, and counts a filtered one.
        for f in (InboxFilter(scope="claimable", limit=2), InboxFilter(scope="mine", offset=9),
                  InboxFilter(overdue=True), InboxFilter(process_key="other")):
            page, tabs = inbox_page(actor_for(user), f, now=NOW)
            listed = list_tasks(actor_for(user), f, now=NOW)
            assert ([r.id for r in page.items], page.total, tabs) == ([r.id for r in listed.items], listed.total, c)
    assert all(type(n) is int for n in counts(actor_for(pm1), now=NOW).values())  # not Decimals (PostgreSQL)
    assert type(list_tasks(actor_for(pm1), InboxFilter(), now=NOW).total) is int
    assert counts(actor_for(pm1), now=NOW) == {"all": 6, "overdue": 2, "mine": 4, "claimable": 3,
                                               "jurisdiction": 0, "done": 0}


def test_the_api_lists_fields_are_the_schemas_dump_of_the_same_rows(world, app):
    """`list_task_fields` reads dates unconverted and overdue from the database; dumped, each row
    is what the schema writes of the row object, field for field and in order, on both backends:
    dates with and without microseconds, past and future dues, none, a completed row."""
    from app.extensions import db
    from app.models import InboxTask
    from app.schemas.workflow import INBOX_FIELDS, InboxTaskSchema, dump_wire_rows
    from app.services.workflow.inbox_queries import list_task_fields

    users, rows = world
    now = datetime.now(UTC).replace(microsecond=0)
    i1 = db.session.get(InboxTask, rows["pm_p1"].id).instance
    extra = [gen_inbox_task(i1, "contractor_pm", due_at=now - timedelta(minutes=5), priority=7),
             gen_inbox_task(i1, "contractor_pm", due_at=now + timedelta(days=2, microseconds=250), title="带微秒"),
             gen_inbox_task(i1, "contractor_pm", due_at=None, assignee_id=users["pm1"].id),
             gen_inbox_task(i1, "contractor_pm", status="completed", completed_by_id=users["pm1"].id,
                            completed_at=now - timedelta(hours=1, microseconds=1), due_at=now - timedelta(days=1))]
    schema = InboxTaskSchema(many=True)
    for user in ("pm1", "city", "expert"):
        for f in (InboxFilter(), InboxFilter(scope="done"), InboxFilter(overdue=True), InboxFilter(sort="created", limit=2),
                  InboxFilter(offset=50)):
            page = list_task_fields(actor_for(users[user]), f, INBOX_FIELDS)
            listed = list_tasks(actor_for(users[user]), f)
            objects = [db.session.get(InboxTask, row.id) for row in listed.items]
            got = dump_wire_rows(page.items)
            assert (got, page.total) == (schema.dump(objects), listed.total), (user, f)
            assert [list(item) for item in got] == [list(INBOX_FIELDS)] * len(got)
            assert all(type(item["overdue"]) is bool for item in got)
    if db.engine.dialect.name == "sqlite":  # read unconverted: the stored text, not a datetime made and unmade
        first = list_task_fields(actor_for(users["pm1"]), InboxFilter(), INBOX_FIELDS).items[0]
        assert [type(first[INBOX_FIELDS.index(name)]) for name in ("due_at", "created_at")] == [str, str]
    mine = dump_wire_rows(list_task_fields(actor_for(users["pm1"]), InboxFilter(), INBOX_FIELDS).items)
    assert [item["overdue"] for item in mine] == [True, True, False, False]  # NOW-1h and now-5min are past
    assert {r.id for r in extra[:3]} <= {item["id"] for item in mine}
