"""The demo data: every role has its user, experts include participants' staff, seeding twice adds nothing."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import Device, Expert, HazardousWork, Project, ProjectParticipant, RoleGrant, User
from app.models.device import DEVICE_TYPES
from app.roles import ROLES
from app.services.demo import seed

USERNAMES = ["admin", "city_official", "district_safety", "district_quality", "district_leader", "urging_clerk",
             "designer", "auditor", "owner_rep", "contractor_pm", "tech_lead", "safety_officer",
             "chief_supervisor", "supervisor", "contractor_pm2"] + [f"expert{n:02d}" for n in range(1, 13)]


def _counts():
    return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
            for m in (User, RoleGrant, Project, ProjectParticipant, HazardousWork, Expert, Device)}


def test_seed_is_idempotent(demo_data):
    before = _counts()
    assert seed.load_demo(demo_data.config["DEMO_PASSWORD"]) == {"categories": 0}
    assert _counts() == before


def test_every_role_and_username_exists(demo_data):
    names = set(db.session.scalars(select(User.username)))
    assert set(USERNAMES) <= names
    assert set(db.session.scalars(select(RoleGrant.role_code))) == set(ROLES)


def test_scale_of_the_demo(demo_data):
    projects = list(db.session.scalars(select(Project)))
    assert len(projects) == 5 and len({p.district_id for p in projects}) == 2
    assert db.session.scalar(select(func.count()).select_from(Expert)) >= 12
    assert set(db.session.scalars(select(Device.device_type))) == set(DEVICE_TYPES)
    works = list(db.session.scalars(select(HazardousWork)))
    assert any(w.super_scale for w in works) and any(not w.super_scale for w in works)
    assert len({w.category_id for w in works}) >= 5
    for project in projects:
        assert {p.party_type for p in project.participants} >= {"owner", "contractor", "supervisor",
                                                                "designer", "surveyor"}


def test_some_experts_work_for_participants(demo_data):
    participant_firms = set(db.session.scalars(select(ProjectParticipant.enterprise_id)))
    employed = [e for e in db.session.scalars(select(Expert)) if e.employer_enterprise_id in participant_firms]
    assert len(employed) >= 3
    assert all("*" in e.id_number_masked for e in db.session.scalars(select(Expert)))


def test_demo_users_log_in_with_the_demo_password(demo_data, api):
    for username in ("admin", "contractor_pm", "expert07"):
        assert api.token(username)


def test_rows_added_after_the_demo_set_follow_its_ids(demo_data):
    """A test's demo set is usually a copy (tests/support/demo_snapshot.py): its ids must go on
    from the copied ones, as after a seeding."""
    from tests.support.factories import gen_user

    top = db.session.scalar(select(func.max(User.id)))
    assert gen_user("contractor_pm").id > top
