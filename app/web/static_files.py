"""The pages' static files (`/assets/…`): fingerprinted URLs kept a year, gzip for text, a favicon.

`url_for('web.static', filename=…)` adds `v=<12 hex digits of the file's sha256>`: an answer to a
URL that carries the file's current fingerprint may be kept a year (`immutable`), since a new
file gets a new URL; any other is revalidated (ETag), as before. Text files (CSS, JavaScript,
SVG, JSON) above 1 KiB are gzipped for clients that accept it, once per process and file
content (kept in memory: the vendor bundles are a few MiB). Relative URLs inside a stylesheet
(fonts, images) still work: the fingerprint is a query, not a new name.
"""
from __future__ import annotations

import gzip
import hashlib
import os
from functools import lru_cache
from typing import Any

from flask import Response, current_app, request, send_from_directory
from werkzeug.security import safe_join

from app.web import bp

YEAR_S = 365 * 24 * 3600
COMPRESSIBLE = {"text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/json"}
MIN_GZIP_BYTES = 1024


@lru_cache(maxsize=2048)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()[:12]


@lru_cache(maxsize=256)
def _gzipped(path: str, mtime_ns: int, size: int) -> bytes:
    with open(path, "rb") as file:
        return gzip.compress(file.read(), compresslevel=6, mtime=0)


def _stat(filename: str) -> tuple[str, int, int] | None:
    path = safe_join(bp.static_folder, filename)
    try:
        st = os.stat(path) if path else None
    except OSError:
        return None
    return (path, st.st_mtime_ns, st.st_size) if st and os.path.isfile(path) else None


# filename → its fingerprint, for the life of the process (a deployment restarts it): every page
# links three static files, and each link stat()ed its file twice. Not in debug (files edited live).
_FINGERPRINTS: dict[str, str | None] = {}


def fingerprint(filename: str) -> str | None:
    """The current fingerprint of a static file (None when there is no such file)."""
    known = _FINGERPRINTS.get(filename)
    if known is not None:
        return known
    found = _stat(filename)
    version = _digest(*found) if found else None
    if version and not current_app.debug and len(_FINGERPRINTS) < 2048:
        _FINGERPRINTS[filename] = version
    return version


@bp.url_defaults
def _add_fingerprint(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint == "web.static" and "v" not in values and isinstance(values.get("filename"), str):
        version = fingerprint(values["filename"])
        if version:
            values["v"] = version


@bp.after_request
def _cache_and_compress(response: Response) -> Response:
    if request.endpoint != "web.static" or response.status_code not in (200, 304):
        return response
    found = _stat(request.view_args.get("filename", ""))
    if found and request.args.get("v") == _digest(*found):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = YEAR_S
        response.cache_control.immutable = True
    if found and response.mimetype in COMPRESSIBLE:
        response.vary.add("Accept-Encoding")
        if (response.status_code == 200 and found[2] >= MIN_GZIP_BYTES and "Range" not in request.headers
                and "gzip" in request.headers.get("Accept-Encoding", "")):
            _gzip(response, found)
    return response


def _gzip(response: Response, found: tuple[str, int, int]) -> None:
    etag, _weak = response.get_etag()
    response.close()  # the file the default answer had opened
    response.direct_passthrough = False
    response.set_data(_gzipped(*found))
    response.headers["Content-Encoding"] = "gzip"
    if etag:
        response.set_etag(f"{etag}-gz")
    response.make_conditional(request.environ)


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for it whether a page names an icon or not; the pages name the SVG."""
    return send_from_directory(bp.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400)
