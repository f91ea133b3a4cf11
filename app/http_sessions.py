"""The browser's session cookie: which answers carry one, and which requests open one.

Flask's signed-cookie sessions, with three rules on top:
- A static file's answer carries no session cookie and does not vary by cookie (Flask-Login
  touches the session on any request), so a browser or a shared cache in front of the server
  may keep it like any file.
- An API request that authenticates with a bearer token gets no cookie session at all (Flask's
  null session: reading it finds nothing, writing to it fails loudly): the token alone says who
  calls (app/api/auth.py reads the header first), and the answer sets no cookie.
- The signing serializer is made once per key set (SECRET_KEY and SECRET_KEY_FALLBACKS), not on
  every open and every save of every request as Flask does; a new key set makes a new one.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, Request, Response, request
from flask.sessions import SecureCookieSessionInterface

STATIC_ENDPOINTS = frozenset({"web.static", "web.favicon"})


class CookieSessions(SecureCookieSessionInterface):
    """The app's session interface (create_app sets it); the rules are the module's."""

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

    def open_session(self, app: Flask, request: Request):
        if request.path.startswith("/api/") and request.headers.get("Authorization", "").startswith("Bearer "):
            return None  # Flask makes the null session
        return super().open_session(app, request)

    def save_session(self, app: Flask, session, response: Response) -> None:
        if request.endpoint in STATIC_ENDPOINTS:
            return
        super().save_session(app, session, response)
