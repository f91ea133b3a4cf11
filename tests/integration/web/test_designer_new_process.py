"""新建流程: a key and a name open the modeler on a minimal diagram with its own form, which
validates and deploys as version 1; bad or taken keys are refused with their field, and only
process designers may ask."""
from __future__ import annotations

import io
import json
import re

from sqlalchemy import select

from app.extensions import db
from app.models import ProcessDefinition


def _sources(html: str) -> tuple[str, dict[str, str]]:
    def block(name: str):
        return json.loads(re.search(rf'id="{name}">(.*?)</script>', html, re.S).group(1))
    return block("bpmn-src"), block("forms-src")


def _files(bpmn: str, forms: dict[str, str], key: str):
    return {"files": [(io.BytesIO(bpmn.encode()), f"{key}.bpmn"),
                      *[(io.BytesIO(t.encode()), n) for n, t in forms.items()]]}


def test_a_new_process_opens_validates_and_deploys(browser, site):
    client = browser("designer")
    assert "新建流程" in client.get("/designer").get_data(as_text=True)
    assert client.get("/designer/new").status_code == 200
    page = client.get("/designer/new?key=noise_check&name=噪声检查&name_en=Noise%20check&role=district_safety_officer")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "噪声检查" in html and "未部署" in html
    bpmn, forms = _sources(html)
    assert set(forms) == {"noise_check_fill.schema.json", "noise_check_fill.ui.json", "noise_check.summary.json"}
    assert 'name="district_safety_officer"' in bpmn and "BPMNEdge" in bpmn
    r = client.post("/designer/validate", data=_files(bpmn, forms, "noise_check"), headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.get_json()["data"] == []
    r = client.post("/designer/deploy", data=_files(bpmn, forms, "noise_check"), headers={"Accept": "application/json"})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["data"][0]["version"] == 1
    with site.app_context():
        d = db.session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == "noise_check"))
        assert d.title == "噪声检查" and "noise_check_fill.schema.json" in d.sources
        assert json.loads(d.sources["noise_check.summary.json"])["title"] == "{project.name}"
        assert json.loads(d.sources["noise_check_fill.schema.json"])["title"] == "噪声检查"
        assert json.loads(d.sources["noise_check_fill.ui.json"])["ui:en"]["噪声检查"] == "Noise check"
        assert json.loads(d.sources["noise_check.summary.json"])["en"]["填写"] == "Fill in"
    # Now taken.
    again = client.get("/designer/new?key=noise_check&name=再来&name_en=Again")
    assert again.status_code == 422 and "该流程编码已被使用" in again.get_data(as_text=True)


def test_bad_keys_names_and_roles_are_refused_with_their_field(browser):
    client = browser("designer")
    for query, words in [("key=Noise&name=x&name_en=x", "流程编码须为"), ("key=new&name=x&name_en=x", "流程编码须为"),
                         ("key=rectification_order&name=x&name_en=x", "该流程编码已被使用"),
                         ("key=abc_1&name=&name_en=x", "请填写流程名称"),
                         ("key=abc_1&name=a<b&name_en=x", "请填写流程名称"),
                         ("key=abc_1&name=x", "请填写英文名称"), ("key=abc_1&name=x&name_en=噪声", "请填写英文名称"),
                         ("key=abc_1&name=x&name_en=x&role=spaceman", "请选择泳道角色")]:
        r = client.get(f"/designer/new?{query}")
        assert r.status_code == 422 and words in r.get_data(as_text=True), query
        assert "bpmn-src" not in r.get_data(as_text=True)


def test_the_page_speaks_english(browser):
    client = browser("designer")
    english = client.get("/designer/new?lang=en").get_data(as_text=True)
    assert "New process" in english and "Process key" in english and "新建流程" not in english
    refused = client.get("/designer/new?lang=en&key=Bad&name=x").get_data(as_text=True)
    assert "A process key is 3–48 lowercase letters" in refused and "Enter the English name" in refused
    assert "English name" in english


def test_only_designers_create(browser):
    assert browser("city_official").get("/designer/new").status_code == 403
    assert browser("city_official").get("/designer/new?key=abc_1&name=x&name_en=x").status_code == 403


def test_its_form_opens_in_the_form_page_before_the_first_deploy(browser):
    client = browser("designer")
    query = "key=noise_walk&name=噪声巡查&name_en=Noise%20walk&role=district_safety_officer"
    modeler = client.get(f"/designer/new?{query}").get_data(as_text=True)
    assert 'form=noise_walk_fill.schema.json" target="_blank"' in modeler  # the modeler links to it
    page = client.get(f"/designer/new?{query}&form=noise_walk_fill.schema.json")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="field-list"' in html and "未部署" in html
    assert "办理意见" in html and 'data-partner-name="noise_walk_fill.ui.json"' in html
    bpmn, others = _sources(html)
    assert 'id="noise_walk"' in bpmn and set(others) == {"noise_walk_fill.ui.json", "noise_walk.summary.json"}
    assert client.get(f"/designer/new?{query}&form=rectification_order_issue.schema.json").status_code == 404
    assert client.get(f"/designer/new?{query}&form=noise_walk_fill.schema.json&lang=en").status_code == 200
    with client.application.app_context():
        assert db.session.scalar(select(ProcessDefinition.id).where(ProcessDefinition.key == "noise_walk")) is None
