"""gen_* factories: sensible defaults, so a test states only what matters to it."""
from __future__ import annotations

import itertools

from app.domain.credit_code import make_credit_code
from app.extensions import db
from app.models import Device, Enterprise, OrgUnit, Project, ProjectParticipant, RoleGrant, User
from app.services.access.directory import LEVEL_BELOW
from app.services.access.passwords import hash_password

_seq = itertools.count(1)
PASSWORD = "Secret#2026"


def gen_org_unit(parent: OrgUnit | None = None, **kw) -> OrgUnit:
    n = next(_seq)
    above = parent.level if parent else None
    if above not in LEVEL_BELOW:
        raise ValueError(f"no org unit level below {above!r}: SiteCase's units stop at the district")
    level = LEVEL_BELOW[above]
    unit = OrgUnit(code=kw.pop("code", f"OU{n}"), name=kw.pop("name", f"单位{n}"), level=level,
                   parent_id=parent.id if parent else None, **kw)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    db.session.commit()
    return unit


def gen_district() -> OrgUnit:
    province = gen_org_unit()
    return gen_org_unit(gen_org_unit(province))


def gen_enterprise(type: str = "contractor", **kw) -> Enterprise:
    n = next(_seq)
    firm = Enterprise(credit_code=make_credit_code(f"91410100MA{n:07d}"), name=kw.pop("name", f"企业{n}"),
                      type=type, **kw)
    db.session.add(firm)
    db.session.commit()
    return firm


def gen_project(district: OrgUnit | None = None, **kw) -> Project:
    n = next(_seq)
    district = district or gen_district()
    # what a registered project has (notices print it)
    kw = {"address": f"郑州市测试路{n}号", "permit_no": f"41010520260{n:05d}", "supervision_no": f"AJ{n:06d}", **kw}
    project = Project(code=kw.pop("code", f"P-{n}"), name=kw.pop("name", f"测试工程{n}"),
                      district_id=district.id, status=kw.pop("status", "active"), **kw)
    db.session.add(project)
    db.session.commit()
    return project


def gen_participant(project: Project, party_type: str = "contractor", enterprise: Enterprise | None = None):
    enterprise = enterprise or gen_enterprise(party_type)
    db.session.add(ProjectParticipant(project_id=project.id, enterprise_id=enterprise.id, party_type=party_type,
                                      responsible_person=f"负责人{next(_seq)}"))
    db.session.commit()
    return enterprise


def gen_user(role: str | None = None, *, project: Project | None = None, org_unit: OrgUnit | None = None,
             username: str | None = None, password: str = PASSWORD, **kw) -> User:
    n = next(_seq)
    user = User(username=username or f"user{n}", display_name=kw.pop("display_name", f"用户{n}"),
                password_hash=hash_password(password), org_unit_id=org_unit.id if org_unit else None, **kw)
    db.session.add(user)
    db.session.flush()
    if role:
        db.session.add(RoleGrant(user_id=user.id, role_code=role, project_id=project.id if project else None,
                                 org_unit_id=org_unit.id if org_unit else None))
    db.session.commit()
    return user


def gen_device(project: Project, device_type: str = "tower_crane", **kw) -> Device:
    n = next(_seq)
    device = Device(code=kw.pop("code", f"DEV-{n}"), device_type=device_type, name=kw.pop("name", f"设备{n}"),
                    project_id=project.id, **kw)
    db.session.add(device)
    db.session.commit()
    return device


def gen_instance(project: Project | None = None, process_key: str = "review_loop"):
    """A bare instance row (state not runnable): for tests of inbox queries and views."""
    from app.models import ProcessDefinition, ProcessInstance

    definition = ProcessDefinition(key=process_key, version=next(_seq), content_hash="0" * 64, spec_json="{}",
                                   sources={})
    db.session.add(definition)
    db.session.flush()
    instance = ProcessInstance(definition_id=definition.id, process_key=process_key, state="{}",
                               project_id=project.id if project else None)
    db.session.add(instance)
    db.session.commit()
    return instance


def gen_inbox_task(instance, role: str, **kw):
    from app.models import InboxTask

    n = next(_seq)
    project = db.session.get(Project, instance.project_id) if instance.project_id else None
    district_path = project.district.path if project else None
    row = InboxTask(instance_id=instance.id, spiff_task_id=f"00000000-0000-0000-0000-{n:012d}",
                    task_name=kw.pop("task_name", f"task_{n}"), title=kw.pop("title", f"任务{n}"),
                    process_key=instance.process_key, role=role, project_id=instance.project_id,
                    district_path=kw.pop("district_path", district_path), **kw)
    db.session.add(row)
    db.session.commit()
    return row
