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

from flask import Flask, Response, current_app, request, send_from_directory
from flask.sessions import SecureCookieSessionInterface
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


STATIC_ENDPOINTS = frozenset({"web.static", "web.favicon"})


class NoSessionOnStaticFiles(SecureCookieSessionInterface):
    """A static file's answer carries no session cookie and does not vary by cookie (Flask-Login
    touches the session on any request), so a browser or a shared cache in front of the server
    may keep it like any file.

    An API request that authenticates with a bearer token gets no cookie session at all (Flask's null
    session: reading it finds nothing, writing to it fails loudly): the token alone says who
    calls (app/api/auth.py reads the header first), and the answer sets no cookie. The signing
    serializer is made once per key set, not twice per request (Flask builds a new one on every
    open and save)."""

    def __init__(self) -> None:
        self._serializers: dict[tuple, Any] = {}

    def get_signing_serializer(self, app: Flask):
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            if serializer is not None:
                self._serializers = {keys: serializer}  # the keys changed: the old one is dropped
        return serializer

    def open_session(self, app: Flask, request):
        if request.path.startswith("/api/") and request.headers.get("Authorization", "").startswith("Bearer "):
            return None  # Flask makes the null session
        return super().open_session(app, request)

    def save_session(self, app: Flask, session, response: Response) -> None:
        if request.endpoint in STATIC_ENDPOINTS:
            return
        super().save_session(app, session, response)


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for it whether a page names an icon or not; the pages name the SVG."""
    return send_from_directory(bp.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400)
