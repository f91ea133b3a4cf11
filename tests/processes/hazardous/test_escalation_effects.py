"""The district's handling of a refusal to rectify does what the form offers (issue 15): a
rectification notice opens a deadline order, a stop order opens a stop order with its notice
printed, "noted" opens nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import IssuedDocument, ProcessInstance, RectificationOrder
from tests.support.processes import deploy_only, events, my_task

from .support import complete, set_status, start, work
from .test_inspection import PROBLEMS, RECTIFY, recheck


def escalated() -> int:
    deploy_only(("rectification_order",))
    w = work()
    set_status(w, "in_progress")
    iid = start("supervisor", "hazardous_inspection", w)
    complete("supervisor", iid, "patrol_supervisor", PROBLEMS, files={"patrol_photos": 1})
    complete("contractor_pm", iid, "rectify", {**RECTIFY, "rectify_result": "不同意整改"})
    recheck("supervisor", iid, "escalate", "施工单位拒不整改，已下达暂停施工指令")
    return iid


def orders_opened_by(iid: int) -> list[ProcessInstance]:
    db.session.expire_all()
    return list(db.session.scalars(select(ProcessInstance).where(
        ProcessInstance.parent_instance_id == iid, ProcessInstance.process_key == "rectification_order")))


@pytest.mark.parametrize("action, order_type, template", [
    ("rectification_order", "deadline", "rectification_notice"),
    ("stop_order", "partial_stop", "stop_work_notice"),
])
def test_each_order_the_form_offers_is_issued(hz_sqlite, action, order_type, template):
    iid = escalated()
    result = complete("district_safety", iid, "handle_escalation",
                      {"handling_action": action, "handling_opinion": "立即整改，整改完成前不得施工"})
    assert result.status == "completed"
    [order] = orders_opened_by(iid)
    row = db.session.scalar(select(RectificationOrder).where(RectificationOrder.instance_id == order.id))
    assert row.order_type == order_type and row.status == "issued"
    assert [e.data["order_type"] for e in events(iid, "order_opened")] == [order_type]
    notice = db.session.scalar(select(IssuedDocument).where(IssuedDocument.instance_id == order.id))
    assert notice.template == template
    problems = notice.context["problems"]
    assert problems[0]["description"] == "临边防护缺失3处" and problems[0]["location"] == "B区基坑第三道支撑"
    assert my_task("contractor_pm", order.id, "reply")  # the contractor must answer it


def test_noted_opens_no_order(hz_sqlite):
    iid = escalated()
    result = complete("district_safety", iid, "handle_escalation",
                      {"handling_action": "noted", "handling_opinion": "督促监理跟踪"})
    assert result.status == "completed"
    assert orders_opened_by(iid) == [] and events(iid, "order_opened") == []
