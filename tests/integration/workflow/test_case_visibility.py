"""The SQL rule of the case lists (`case_visibility.visible_cases`) says of every case what
`case_steps.can_see_instance` says of it when it is loaded: the same cases for every actor."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import InboxTask, ProcessDefinition, ProcessInstance, RoleGrant
from app.services.access.actors import actor_for
from app.services.workflow.case_steps import can_see_instance
from app.services.workflow.case_visibility import visible_cases
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


def test_the_sql_rule_and_the_loaded_rule_agree_for_every_actor_and_case(app):
    district_a, district_b = gen_district(), gen_district()
    project_a, project_b = gen_project(district_a), gen_project(district_b)
    official_a = gen_user("district_safety_officer", org_unit=district_a)
    designer_a = gen_user("process_designer", org_unit=district_a)
    pm_a = gen_user("contractor_pm", project=project_a)
    starter, candidate, assignee, finisher = gen_user(), gen_user(), gen_user(), gen_user()
    nobody = gen_user()
    admin = gen_user("sys_admin")
    both = gen_user("contractor_pm", project=project_b)
    db.session.add(RoleGrant(user_id=both.id, role_code="district_quality_officer", org_unit_id=district_a.id))
    db.session.commit()
    definition = ProcessDefinition(key="visibility", version=1, content_hash="0" * 64, spec_json="{}", sources={})
    db.session.add(definition)
    db.session.commit()
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
