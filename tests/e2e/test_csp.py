"""The pages satisfy their Content-Security-Policy: the browser reports no violation while the
diagram viewer, the modeler, the work registration form and the confirm dialogs run."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import ProcessInstance

REPORT_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  function (e) { window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')); });
"""


def _visit(page, url, ready=None):
    page.context.add_init_script(REPORT_VIOLATIONS)
    response = page.goto(url)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    if ready:
        page.wait_for_selector(ready)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__csp")


def test_pages_report_no_csp_violation(login, live_server, live_app):
    with live_app.app_context():
        instance_id = db.session.scalar(select(ProcessInstance.id).order_by(ProcessInstance.id).limit(1))
        db.session.remove()
    pm = login("contractor_pm")
    seen = {url: _visit(pm, f"{live_server}{url}", ready) for url, ready in [
        ("/workbench", None),
        (f"/cases/{instance_id}", "[data-bpmn-viewer][data-ready=true]"),
        ("/projects/JS-2026-001/works/new", None),
    ]}
    pm.select_option("select[name=category_code]", index=1)  # the moved script still runs
    assert pm.locator("#rule-text").inner_text() != ""
    designer = login("designer")
    seen["modeler"] = _visit(designer, f"{live_server}/designer/web_review/edit",
                             ".modeler-wrap[data-ready=true]")
    admin = login("admin")
    seen["admin"] = _visit(admin, f"{live_server}/admin/users/1")
    asked = []
    admin.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    admin.click("#account-actions button:has-text('重置密码')")
    assert asked and admin.url.endswith("/admin/users/1")  # dismissed: nothing was posted
    assert seen == {key: [] for key in seen}
