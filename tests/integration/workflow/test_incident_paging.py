"""Incidents are paged in SQL under the rule of every case list and the incident handlers' rule:
an official pages through all the incidents he may handle, however many invisible ones (another
district's) lie between, in the service, the API and the designer's incident page."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.models import Incident, ProcessDefinition, ProcessInstance
from app.services.access.actors import actor_for
from app.services.workflow import incidents
from tests.support.browsers import signed_in
from tests.support.client import bearer
from tests.support.factories import PASSWORD, gen_district, gen_project, gen_user

VISIBLE = 60  # more than a page (50)
START = datetime(2026, 3, 1, tzinfo=UTC)


def _world():
    district_a, district_b = gen_district(), gen_district()
    project_a, project_b = gen_project(district_a), gen_project(district_b)
    official = gen_user("district_safety_officer", org_unit=district_a)
    definition = ProcessDefinition(key="paged", version=1, content_hash="0" * 64, spec_json="{}", sources={})
    db.session.add(definition)
    db.session.flush()
    mine, minute = [], 0

    def incident(**where) -> Incident:
        nonlocal minute
        instance = ProcessInstance(definition_id=definition.id, process_key="paged", state="{}", status="error",
                                   title="待处理的案件", **where)
        db.session.add(instance)
        db.session.flush()
        minute += 1
        row = Incident(instance_id=instance.id, code="operator_failed", message="操作失败", element_id="t",
                       action={"action": "complete"}, created_at=START + timedelta(minutes=minute))
        db.session.add(row)
        db.session.flush()
        return row

    for n in range(VISIBLE):  # oldest first: each visible incident followed by three of another district
        mine.append(incident(project_id=project_a.id) if n % 2 else
                    incident(project_id=None, data_summary={"scope_path": district_a.path}))
        for k in range(3):
            incident(project_id=project_b.id) if k else incident(data_summary={"scope_path": district_b.path})
    db.session.commit()
    return official, [i.id for i in reversed(mine)]  # newest first


def test_the_service_pages_every_incident_the_official_may_handle(app):
    official, newest_first = _world()
    actor = actor_for(official)
    first = incidents.list_incidents(actor, limit=50)
    second = incidents.list_incidents(actor, limit=50, offset=50)
    assert (first.total, second.total) == (VISIBLE, VISIBLE)
    assert [i["id"] for i in first.items] + [i["id"] for i in second.items] == newest_first
    assert incidents.list_incidents(actor, status="resolved").total == 0


def test_the_api_pages_them_with_limit_and_offset(app):
    official, newest_first = _world()
    client, headers = app.test_client(), bearer(app, official.username, PASSWORD)
    pages = [client.get(f"/api/v1/incidents?limit=25&offset={offset}", headers=headers) for offset in (0, 25, 50)]
    assert [r.status_code for r in pages] == [200, 200, 200]
    assert [r.get_json()["meta"]["total"] for r in pages] == [VISIBLE] * 3
    assert [i["id"] for r in pages for i in r.get_json()["data"]] == newest_first
    for bad in ("limit=0", "limit=501", "offset=-1", "limit=x", "status=any"):
        r = client.get(f"/api/v1/incidents?{bad}", headers=headers)
        assert r.status_code == 422, bad


def test_the_designer_page_pages_them(app):
    official, newest_first = _world()
    client = signed_in(app, official.username, PASSWORD)
    first = client.get("/designer/incidents").get_data(as_text=True)
    second = client.get("/designer/incidents?page=2").get_data(as_text=True)
    assert "第 1 / 2 页" in first and "/designer/incidents?page=2" in first
    ids = [int(i) for i in re.findall(r'action="/designer/incidents/(\d+)/retry"', first + second)]
    assert ids == newest_first
    # An official handles them too: the case by its title, why it stopped in words, no code
    assert first.count(">流程调用的系统操作失败</strong>") == 50 and first.count(">待处理的案件</a>") == 50
    assert "operator_failed" not in first and "<code>" not in first and "#" not in re.sub(r"<[^>]+>", "", first.split("<table", 1)[1].split("</table>", 1)[0])
    english = client.get("/designer/incidents?lang=en").get_data(as_text=True)
    assert english.count(">A system operation of the process failed</strong>") == 50
    designer = signed_in(app, gen_user("process_designer", org_unit=official.org_unit).username, PASSWORD)
    assert designer.get("/designer/incidents").get_data(as_text=True).count("<code>operator_failed</code>") == 50
