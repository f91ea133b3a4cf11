"""The integrators' API page: Swagger UI served from this host renders the whole OpenAPI document
for an anonymous visitor under the pages' CSP, and a public operation can be tried from it."""
from __future__ import annotations

from tests.e2e.conftest import DESKTOP, shoot
from tests.e2e.test_csp import REPORT_VIOLATIONS


def test_api_page_renders_every_operation_under_the_csp(chromium, live_server):
    context = chromium.new_context(viewport=DESKTOP, locale="zh-CN")
    try:
        context.add_init_script(REPORT_VIOLATIONS)
        page = context.new_page()
        outside = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server)
                and not r.url.startswith("data:") else None)
        response = page.goto(f"{live_server}/api-docs")
        assert response.status == 200 and "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_selector("#swagger-ui[data-ready=true]")
        # Swagger UI draws a long operation list virtualised (only what is on screen is in the
        # DOM): count the operations it loaded, and open the ones we need by their deep links.
        loaded = page.evaluate("() => window.sitecaseApiDocs.getSystem().specSelectors.operations().size")
        assert loaded > 60  # every operation of the document
        page.goto(f"{live_server}/api-docs#/default/post_device_data")
        page.reload()
        page.wait_for_selector("#swagger-ui[data-ready=true]")
        assert page.locator("[id$='-post_device_data']").get_by_text("/api/v1/device-data", exact=True).count() == 1
        page.goto(f"{live_server}/api-docs#/default/get_record_schema")
        page.reload()
        page.wait_for_selector("#swagger-ui[data-ready=true]")
        block = page.locator("[id$='-get_record_schema']")
        block.get_by_role("button", name="Try it out").click()
        block.locator(".parameters select").first.select_option("project")
        block.get_by_role("button", name="Execute").click()
        status = block.locator(".live-responses-table tbody .response-col_status").first
        status.wait_for()
        assert status.inner_text().strip().startswith("200")
        assert "project_type" in block.locator(".live-responses-table tbody").first.inner_text()
        shoot(page, "api-docs")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == []
        assert outside == []
    finally:
        context.close()
