"""Static files: fingerprinted URLs kept a year, gzip for text, the favicon; the CSP stays."""
from __future__ import annotations

import gzip
import re
from pathlib import Path

from app.web import bp

GZIP = {"Accept-Encoding": "gzip, deflate"}


def _site_css_url(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'href="(/assets/site\.css\?v=[0-9a-f]{12})"', page).group(1)


def test_a_fingerprinted_url_is_kept_a_year_and_gzipped(sqlite_app):
    client = sqlite_app.test_client()
    url = _site_css_url(client)
    answer = client.get(url, headers=GZIP)
    assert answer.status_code == 200
    assert answer.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in answer.headers["Vary"]
    assert "max-age=31536000" in answer.headers["Cache-Control"] and "immutable" in answer.headers["Cache-Control"]
    assert gzip.decompress(answer.data) == (Path(bp.static_folder) / "site.css").read_bytes()
    assert int(answer.headers["Content-Length"]) == len(answer.data)
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    again = client.get(url, headers={**GZIP, "If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304


def test_other_urls_are_revalidated_and_plain_without_gzip(sqlite_app):
    client = sqlite_app.test_client()
    for url in ("/assets/site.css", "/assets/site.css?v=000000000000"):
        answer = client.get(url, headers=GZIP)
        assert answer.status_code == 200
        assert "immutable" not in answer.headers["Cache-Control"] and "no-cache" in answer.headers["Cache-Control"]
    plain = client.get(_site_css_url(client))
    assert "Content-Encoding" not in plain.headers
    assert plain.data == (Path(bp.static_folder) / "site.css").read_bytes()
    ranged = client.get("/assets/site.css", headers={**GZIP, "Range": "bytes=0-9"})
    assert ranged.status_code == 206 and len(ranged.data) == 10 and "Content-Encoding" not in ranged.headers


def test_the_favicon(sqlite_app):
    client = sqlite_app.test_client()
    answer = client.get("/favicon.ico")
    assert answer.status_code == 200 and answer.mimetype == "image/svg+xml" and b"<svg" in answer.data
    assert re.search(r'rel="icon"[^>]*href="/assets/favicon\.svg\?v=', client.get("/login").get_data(as_text=True))


def test_static_files_carry_no_session(sqlite_app):
    """A signed-in browser's asset and favicon answers set no cookie and do not vary by it (a cache
    in front of the server may keep them); pages still keep the session."""
    from tests.support.browsers import signed_in
    from tests.support.factories import gen_district, gen_user

    gen_user("sys_admin", username="root", org_unit=gen_district())
    from app.extensions import db
    db.session.commit()
    browser = signed_in(sqlite_app, "root", "Secret#2026")
    for url in (_site_css_url(browser), "/assets/site.css", "/favicon.ico"):
        answer = browser.get(url, headers=GZIP)
        assert answer.status_code == 200, url
        assert "Set-Cookie" not in answer.headers and "Cookie" not in answer.headers.get("Vary", ""), url
    assert browser.get("/workbench").status_code == 200  # still signed in
    assert "Cookie" in browser.get("/login?lang=en").headers.get("Vary", "")
