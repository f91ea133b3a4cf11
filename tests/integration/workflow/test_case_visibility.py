"""The SQL rules of the case lists (`case_visibility.visible_cases`, `incident_cases`) say of every
case what `case_steps.can_see_instance` and `can_handle_incidents` say of it when it is loaded: the
same cases for every actor."""
from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select

from app.extensions import db
from app.models import InboxTask, ProcessDefinition, ProcessInstance, RoleGrant
from app.services.access.actors import actor_for
from app.services.workflow.case_steps import can_handle_incidents, can_see_instance
from app.services.workflow.case_visibility import incident_cases, visible_cases
from tests.support.factories import gen_district, gen_project, gen_user


def _case(definition, *, project=None, scope=None, started_by=None) -> ProcessInstance:
    instance = ProcessInstance(definition_id=definition.id, process_key=definition.key, state="{}",
                               project_id=project.id if project else None, started_by=started_by,
                               data_summary={"scope_path": scope} if scope else {})
    db.session.add(instance)
    db.session.commit()
    return instance


def _task(instance, n: int, **who) -> None:
    db.session.add(InboxTask(instance_id=instance.id, spiff_task_id=f"task-{n}",
                             task_name="t", title="任务", process_key=instance.process_key, role="contractor_pm",
                             project_id=instance.project_id, **who))
    db.session.commit()


def _people(key: str) -> SimpleNamespace:
    """Two districts with a project each, an official, a designer, a project manager of the first,
    an admin, a manager of the second project who is also a quality officer of the first; a definition."""
    w = SimpleNamespace(district_a=gen_district(), district_b=gen_district())
    w.project_a, w.project_b = gen_project(w.district_a), gen_project(w.district_b)
    w.official_a = gen_user("district_safety_officer", org_unit=w.district_a)
    w.designer_a = gen_user("process_designer", org_unit=w.district_a)
    w.pm_a, w.admin = gen_user("contractor_pm", project=w.project_a), gen_user("sys_admin")
    w.both = gen_user("contractor_pm", project=w.project_b)
    db.session.add(RoleGrant(user_id=w.both.id, role_code="district_quality_officer", org_unit_id=w.district_a.id))
    w.definition = ProcessDefinition(key=key, version=1, content_hash="0" * 64, spec_json="{}", sources={})
    db.session.add(w.definition)
    db.session.commit()
    return w


def test_the_sql_rule_and_the_loaded_rule_agree_for_every_actor_and_case(app):
    w = _people("visibility")
    district_a, district_b, project_a, project_b = w.district_a, w.district_b, w.project_a, w.project_b
    official_a, designer_a, pm_a, admin, both, definition = \
        w.official_a, w.designer_a, w.pm_a, w.admin, w.both, w.definition
    starter, candidate, assignee, finisher = gen_user(), gen_user(), gen_user(), gen_user()
    nobody = gen_user()
    cases = [_case(definition, project=project_a), _case(definition, project=project_b),
             _case(definition, scope=district_a.path), _case(definition, scope=district_b.path),
             _case(definition, scope="/9%_/"), _case(definition),
             _case(definition, project=project_b, started_by=starter.username),
             _case(definition, scope=district_b.path, started_by=starter.username)]
    for n, (instance, who) in enumerate(((cases[1], {"candidate_user_id": candidate.id}),
                                         (cases[3], {"assignee_id": assignee.id}),
                                         (cases[5], {"completed_by_id": finisher.id}),
                                         (cases[1], {"candidate_user_id": None}))):
        _task(instance, n, **who)

    for user in (official_a, designer_a, pm_a, starter, candidate, assignee, finisher, nobody, admin, both):
        actor = actor_for(user)
        listed = set(db.session.scalars(select(ProcessInstance.id).where(visible_cases(actor))))
        loaded = {c.id for c in cases if can_see_instance(actor, c)}
        assert listed == loaded, user.username
        assert loaded or user is nobody
    assert {c.id for c in cases if can_see_instance(actor_for(official_a), c)} == {cases[0].id, cases[2].id}


def test_the_sql_incident_rule_and_the_loaded_rule_agree_for_every_actor_and_case(app):
    w = _people("incidents")
    district_a, district_b, project_a, project_b = w.district_a, w.district_b, w.project_a, w.project_b
    official_a, designer_a, pm_a, admin, both, definition = \
        w.official_a, w.designer_a, w.pm_a, w.admin, w.both, w.definition
    auditor_a = gen_user("auditor", org_unit=district_a)  # sees the district, handles no incident
    cases = [_case(definition, project=project_a), _case(definition, project=project_b),
             _case(definition, scope=district_a.path), _case(definition, scope=district_b.path),
             _case(definition, scope="/9%_/"), _case(definition)]

    for user in (official_a, designer_a, auditor_a, pm_a, admin, both):
        actor = actor_for(user)
        listed = set(db.session.scalars(select(ProcessInstance.id).where(incident_cases(actor))))
        loaded = {c.id for c in cases if can_handle_incidents(actor, c)}
        assert listed == loaded, user.username
    assert {c.id for c in cases if can_handle_incidents(actor_for(official_a), c)} == {cases[0].id, cases[2].id}
    assert not any(can_handle_incidents(actor_for(auditor_a), c) for c in cases)
