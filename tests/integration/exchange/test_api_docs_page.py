"""/api-docs for an anonymous integrator: the local Swagger UI on the local documents, no inline
script, in Chinese and (with ?lang=en) English."""
from __future__ import annotations

import re


def test_the_api_page_points_at_local_documents_only(sqlite_app):
    client = sqlite_app.test_client()
    r = client.get("/api-docs")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert 'data-spec-url="/api/v1/openapi.json"' in page
    assert "接口文档" in page and 'href="/api/v1/schemas/order.xsd"' in page
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert all('src="/' in attrs and not body.strip() for attrs, body in scripts)
    assert '/assets/vendor/swagger-ui/swagger-ui-bundle.js?v=' in page
    for link in re.findall(r'href="(/api/v1/schemas/\w+\.xsd)"', page):
        assert client.get(link).status_code == 200, link
    english = client.get("/api-docs?lang=en").get_data(as_text=True)
    assert "API documentation" in english and "Rectification orders" in english
