"""In a real browser (CSRF on): a supervisor records a witness sample, changes it and sees the
trail, then prints its label sheet; the quality officer reads the sample."""
from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import PHONE, shoot

pytestmark = pytest.mark.e2e

SAMPLE = {"material": "热轧带肋钢筋", "specification": "HRB400E Φ25", "batch": "E2E-0301", "quantity": "40t",
          "location": "5#楼一层柱", "sampled_on": "2026-03-01", "sampler_name": "王强", "sampler_cert": "QY-0012",
          "witness_name": "孙浩", "witness_cert": "JZ-0098"}


def test_supervisor_records_a_sample_changes_it_and_prints_its_label(login, live_server):
    page = login("supervisor")
    page.goto(f"{live_server}/projects/JS-2026-001")
    page.click("#project-samples")
    for name, value in SAMPLE.items():
        page.fill(f"#new-sample [name={name}]", value)
    page.click("#new-sample button[type=submit]")
    page.wait_for_url(re.compile(r".*/samples/JS-2026-001-S\d{4}$"))
    code = page.url.rsplit("/", 1)[1]
    page.fill("#edit-sample [name=quantity]", "38t")
    page.click("#edit-sample button[type=submit]")
    page.wait_for_url(re.compile(rf".*/samples/{code}$"))
    trail = page.locator("#sample-trail tbody tr").first.inner_text()
    assert "代表数量" in trail and "40t" in trail and "38t" in trail
    page.goto(f"{live_server}/projects/JS-2026-001/samples")
    page.check(f'input[name=sample_codes][value="{code}"]')
    page.click("#print-labels button[type=submit]")
    page.wait_for_url(re.compile(r".*/projects/JS-2026-001$"))
    assert "样品标识" in page.locator(".flash.ok").inner_text()
    officer = login("district_quality", PHONE)
    officer.goto(f"{live_server}/samples/{code}")
    assert "38t" in officer.locator("#sample-data").inner_text()
    assert officer.locator("#edit-sample").count() == 0
    shoot(officer, "quality-sample-phone")
