"""Approving a project registration on the web shows the new accounts' passwords once."""
from __future__ import annotations

from app.services.registrations import applications
from tests.processes.registrations.support import actor, complete, deploy_registrations, registration_form
from tests.support.processes import my_task


def test_web_approval_shows_initial_passwords_once(site, browser):
    deploy_registrations()
    iid = applications.start_project_registration(actor("owner_rep"), "ZZ-JS")
    complete("owner_rep", iid, "fill_registration", registration_form())
    task = my_task("district_safety", iid, "review_registration")
    client = browser("district_safety")
    r = client.post(f"/tasks/{task.id}", data={"registration_decision": "approve", "registration_opinion": "资料齐全，同意。"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200, page[:500]
    assert "初始密码只显示这一次" in page and "wh_pm" in page and "wh_chief" in page
    # the task is done: opening it again shows no password
    again = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "初始密码" not in again
