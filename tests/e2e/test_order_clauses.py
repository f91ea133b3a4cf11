"""Issue 15, forms that keep what was typed: an official issues a rectification order in Chromium
with two problems of two legal clauses each, picked from the clause library by code or by words.
A code typed by hand that the library does not hold is refused at its own input; the page comes
back with all four clauses and both problems as typed (the "reload"); after the fix the order is
issued with every clause of every problem."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.infra import wallclock
from app.models import InboxTask, IssuedDocument, LegalClause, User
from app.services.access.actors import actor_for
from app.services.demo.orders import CLAUSES
from app.services.supervision.clauses import create_clause
from app.services.workflow import cases

pytestmark = pytest.mark.e2e


def _new_order(app) -> tuple[int, int]:
    with app.app_context():
        official = actor_for(db.session.scalar(select(User).where(User.username == "district_safety")))
        if db.session.scalar(select(LegalClause.id).limit(1)) is None:  # the demo's clause library
            for code, title, text in CLAUSES:
                create_clause(official, code, title, text)
        instance = cases.start_case(official, "rectification_order", project_code="JS-2026-001",
                                    title="金水湾 两处问题（条款演示）")
        task = db.session.scalar(select(InboxTask.id).where(InboxTask.instance_id == instance,
                                                            InboxTask.status == "open"))
        db.session.remove()
    return instance, task


def _pick(page, box, words: str, code: str) -> None:
    """Type `words` into the clause input of `box` and click the library's entry `code`."""
    box.locator("input").fill(words)
    box.locator(f".lookup-options li[data-code='{code}']").click()
    assert box.locator("input").input_value() == code
    assert box.locator(".lookup-title").inner_text().startswith("《")


def _add_problem(page, index: int, description: str, location: str) -> object:
    page.click("[data-rows=problems] > button.add-row")
    row = page.locator("[data-rows=problems] > ol.row-list > li.row").nth(index)
    row.locator("textarea[name$='.description']").fill(description)
    row.locator("input[name$='.location']").fill(location)
    return row


def _add_clause(row) -> object:
    row.locator("fieldset.rows > button.add-row").click()
    return row.locator("fieldset.rows ol.row-list > li.row .lookup").last


def _values(page) -> list[tuple[str, list[str]]]:
    rows = page.locator("[data-rows=problems] > ol.row-list > li.row")
    return [(rows.nth(i).locator("input[name$='.location']").input_value(),
             [c.input_value() for c in rows.nth(i).locator(".lookup input").all()])
            for i in range(rows.count())]


def test_two_problems_with_two_clauses_each_are_issued_and_unknown_codes_refused(login, live_app, live_server):
    instance, task_id = _new_order(live_app)
    page = login("district_safety")
    page.goto(f"{live_server}/tasks/{task_id}")
    page.check("input[name=order_type][value=deadline]")
    today = wallclock.local_today().isoformat()
    page.fill("input[name=inspection_date]", today)
    page.fill("input[name=deadline]", today)
    page.fill("textarea[name=requirements]", "立即整改，完成后书面回复。")

    first = _add_problem(page, 0, "12层楼梯口临边未设防护栏杆", "3#楼12层")
    _pick(page, _add_clause(first), "临边", "JGJ59-3.13")          # found by words of its title
    _pick(page, _add_clause(first), "tl-aq-28", "TL-AQ-28")        # by its code, any case
    second = _add_problem(page, 1, "塔吊力矩限制器失效", "1#塔吊")
    _pick(page, _add_clause(second), "塔式起重机", "JGJ59-3.16")
    typed = _add_clause(second)
    typed.locator("input").fill("XX-404")                          # typed by hand, not in the library
    assert "没有匹配" in typed.locator(".lookup-options").inner_text()
    page.keyboard.press("Escape")

    page.click("form.case-form button.primary")
    page.wait_for_selector(".field.has-error")
    error = page.locator(".field.has-error")
    assert error.count() == 1 and "XX-404" in error.inner_text()
    assert error.get_attribute("data-field") == "problems.1.clauses.1"
    assert _values(page) == [("3#楼12层", ["JGJ59-3.13", "TL-AQ-28"]), ("1#塔吊", ["JGJ59-3.16", "XX-404"])]
    page.wait_for_function("document.querySelectorAll('.lookup-title:not(:empty)').length >= 3")

    fixed = page.locator("[data-field='problems.1.clauses.1'] .lookup")
    _pick(page, fixed, "扬尘", "HB-YC-08")
    page.click("form.case-form button.primary")
    page.wait_for_url("**/inbox")
    with live_app.app_context():
        printed = db.session.scalar(select(IssuedDocument.context).where(IssuedDocument.instance_id == instance))
        db.session.remove()
    text = json.dumps(printed, ensure_ascii=False)  # the notice cites all four, in order
    where = [text.find(f"（{code}）") for code in ("JGJ59-3.13", "TL-AQ-28", "JGJ59-3.16", "HB-YC-08")]
    assert -1 not in where and where == sorted(where) and "XX-404" not in text
