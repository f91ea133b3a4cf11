"""The concrete pages: a delivery recorded on the project's page, its strength test entered on the
delivery's page (a failing batch links its handling case), the registry kept by the stations,
field errors by their labels, scope and the export."""
from __future__ import annotations

import re
from io import BytesIO

from openpyxl import load_workbook

from app.domain.credit_code import make_credit_code
from tests.integration.quality.concrete_support import delivery_body, deploy_handling, make_producer
from tests.integration.quality.support import make_agency
from tests.support.browsers import signed_in


def _page_delivery(producer: int) -> dict:
    body = {k: str(v) for k, v in delivery_body(producer).items()}
    return {**body, "delivered_at": "2026-03-02T09:30"}


def test_a_delivery_and_its_failing_strength_test_on_pages(demo_data, api):
    deploy_handling()
    producer = make_producer(api, name="郑州页面商砼有限公司")
    agency_id, _ = make_agency(api)
    pm = signed_in(demo_data, "contractor_pm")
    assert 'id="new-delivery"' in pm.get("/projects/JS-2026-001/concrete").get_data(as_text=True)
    r = pm.post("/projects/JS-2026-001/concrete", data=_page_delivery(producer))
    assert r.status_code == 302 and "/concrete/deliveries/" in r.location
    url = r.location
    html = pm.get(url).get_data(as_text=True)
    assert "JS-2026-001-C0001" in html and "郑州页面商砼有限公司" in html and "2026-03-02 09:30" in html
    assert "18960 kg" in html and 'id="new-strength-test"' not in html  # the PM does not test
    supervisor = signed_in(demo_data, "supervisor")
    r = supervisor.post(f"{url}/strength-tests", data={
        "agency_id": str(agency_id), "report_no": "HNT-P-1", "age_days": "28", "tested_on": "2026-03-30",
        "groups": "29.0 30.5 31.0\n28.8，29.9，30.1"})
    assert r.status_code == 302
    html = supervisor.get(url).get_data(as_text=True)
    assert "强度不合格，已启动检测不合格处理。" in html and "HNT-P-1" in html and "/cases/" in html
    assert "29.0 / 30.5 / 31.0" in html
    listing = signed_in(demo_data, "district_quality").get("/concrete").get_data(as_text=True)
    assert "JS-2026-001-C0001" in listing and 'id="new-producer"' in listing
    other = signed_in(demo_data, "contractor_pm2").get("/concrete").get_data(as_text=True)
    assert "JS-2026-001-C0001" not in other and 'id="new-producer"' not in other


def test_a_bad_delivery_on_the_page_is_refused_with_the_field_labels(demo_data, api):
    producer = make_producer(api)
    pm = signed_in(demo_data, "contractor_pm")
    pm.post("/projects/JS-2026-001/concrete", data={**_page_delivery(producer), "volume_m3": "80", "location": ""})
    html = pm.get("/projects/JS-2026-001/concrete").get_data(as_text=True)
    assert "方量：应为 0.5 至 20 之间的数值。" in html and "浇筑部位：必填。" in html
    assert "暂无混凝土供货记录。" in html


def test_the_stations_register_a_producer_on_the_page_and_export_the_deliveries(demo_data, api):
    officer = signed_in(demo_data, "district_quality")
    r = officer.post("/concrete/producers", data={
        "name": "郑州登记商砼有限公司", "credit_code": make_credit_code("91410100MA40H9990"), "certificate_no": "D2410001",
        "plant_address": "郑州市", "valid_until": "2030-12-31"})
    assert r.status_code == 302
    html = officer.get("/concrete").get_data(as_text=True)
    assert "生产企业已登记。" in html and "郑州登记商砼有限公司" in html
    officer.post("/concrete/producers", data={"name": "缺证书"})
    assert "资质证书编号：必填。" in officer.get("/concrete").get_data(as_text=True)
    book = load_workbook(BytesIO(officer.get("/concrete/export?project=JS-2026-001").data))
    assert book.sheetnames == ["混凝土供货", "强度检测"]


def test_a_refusal_flashed_across_the_redirect_reads_in_english(demo_data, api):
    """Field errors and formatted refusals are written in the page's language before the session
    carries them (a Said's English would not survive the cookie)."""
    station = signed_in(demo_data, "district_quality")
    station.get("/concrete?lang=en")
    r = station.post("/concrete/producers", data={"name": "", "credit_code": "not-a-code"})
    assert r.status_code == 302
    flashed = re.findall(r'<p class="flash error"[^>]*>([^<]*)</p>', station.get("/concrete").get_data(as_text=True))
    assert flashed and not re.search(r"[\u4e00-\u9fff]", flashed[0]), flashed
    station.get("/concrete?lang=zh")
    station.post("/concrete/producers", data={"name": "", "credit_code": "not-a-code"})
    flashed = re.findall(r'<p class="flash error"[^>]*>([^<]*)</p>', station.get("/concrete").get_data(as_text=True))
    assert flashed and "统一社会信用代码" in flashed[0], flashed
