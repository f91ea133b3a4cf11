"""An API client that logs demo or factory users in with bearer tokens."""
from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient


def bearer(app: Flask, username: str, password: str) -> dict[str, str]:
    """The Authorization header of a fresh token for `username` (one call, no client kept)."""
    return {"Authorization": f"Bearer {ApiClient(app.test_client(), password).token(username)}"}


class ApiClient:
    def __init__(self, client: FlaskClient, default_password: str):
        self.client = client
        self.password = default_password
        self._tokens: dict[str, str] = {}

    def token(self, username: str, password: str | None = None) -> str:
        if username not in self._tokens:
            r = self.client.post("/api/v1/auth/token",
                                 json={"username": username, "password": password or self.password})
            assert r.status_code == 201, r.get_json()
            self._tokens[username] = r.get_json()["data"]["token"]
        return self._tokens[username]

    def _call(self, method: str, path: str, as_user: str | None, **kw):
        headers = kw.pop("headers", {})
        if as_user:
            headers["Authorization"] = f"Bearer {self.token(as_user)}"
        return getattr(self.client, method)(path, headers=headers, **kw)

    def get(self, path: str, as_user: str | None = None, **kw):
        return self._call("get", path, as_user, **kw)

    def post(self, path: str, as_user: str | None = None, **kw):
        return self._call("post", path, as_user, **kw)

    def patch(self, path: str, as_user: str | None = None, **kw):
        return self._call("patch", path, as_user, **kw)

    def put(self, path: str, as_user: str | None = None, **kw):
        return self._call("put", path, as_user, **kw)

    def delete(self, path: str, as_user: str | None = None, **kw):
        return self._call("delete", path, as_user, **kw)
