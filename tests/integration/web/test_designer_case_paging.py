"""The cases of a process on its designer page are paged in SQL under the rule of every case list:
an official pages through all the cases he may see, however many invisible ones lie between."""
from __future__ import annotations

import re

from app.extensions import db
from app.models import ProcessDefinition, ProcessInstance
from tests.support.browsers import signed_in
from tests.support.factories import PASSWORD, gen_district, gen_project, gen_user

VISIBLE = 60  # more than a page (50)


def _titles(html: str) -> list[str]:
    table = re.search(r'<table class="stack" id="instances">(.*?)</table>', html, re.S).group(1)
    return re.findall(r'<td data-th="标题"><a href="/cases/\d+">([^<]*)</a></td>', table)


def _table(html: str) -> str:
    return re.search(r'<table class="stack" id="instances">(.*?)</table>', html, re.S).group(1)


def test_an_official_pages_through_every_case_he_may_see(app):
    district_a, district_b = gen_district(), gen_district()
    project_a, project_b = gen_project(district_a), gen_project(district_b)
    official = gen_user("district_safety_officer", org_unit=district_a)
    designer = gen_user("process_designer", org_unit=district_a)
    definition = ProcessDefinition(key="paged", version=1, content_hash="0" * 64, spec_json="{}", sources={})
    db.session.add(definition)
    db.session.flush()
    for n in range(VISIBLE):  # oldest first: each visible case followed by four of another district
        db.session.add(ProcessInstance(definition_id=definition.id, process_key="paged", state="{}",
                                       project_id=project_a.id, title=f"本区案件{n:03d}",
                                       started_by=official.username if n % 2 else None))
        db.session.add_all(ProcessInstance(definition_id=definition.id, process_key="paged", state="{}",
                                           project_id=project_b.id, title=f"外区案件{n:03d}-{k}") for k in range(4))
    db.session.commit()

    client = signed_in(app, official.username, PASSWORD)
    first = client.get("/designer/paged").get_data(as_text=True)
    assert _titles(first) == [f"本区案件{n:03d}" for n in range(VISIBLE - 1, VISIBLE - 51, -1)]
    assert "第 1 / 2 页" in first and "/designer/paged?page=2" in first
    second = client.get("/designer/paged?page=2").get_data(as_text=True)
    assert _titles(second) == [f"本区案件{n:03d}" for n in range(9, -1, -1)]  # the oldest reached too
    assert "外区案件" not in first + second
    rows = _table(first)  # people by their names, the system's cases as such; no login, no case id
    assert rows.count(official.display_name) == 25 and rows.count("系统") == 25
    assert official.username not in rows and "<td data-th=\"#\">" not in rows

    everything = signed_in(app, designer.username, PASSWORD).get("/designer/paged?page=6").get_data(as_text=True)
    assert "第 6 / 6 页" in everything and len(_titles(everything)) == 50
