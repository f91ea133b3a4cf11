"""The authorisation matrix: every route x every demo user x an object inside and outside his scope.

Runs on SQLite only: the decisions are made by the same service code on both databases, and the
scoping queries are proved on PostgreSQL by tests/integration/test_scoping.py; a matrix of ~4,000
requests on both would double the cost for no new evidence. The demo is seeded once per module
and the database is restored after every request that may have written.
"""
from __future__ import annotations

import pytest
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from tests.integration.authz.cells import OTHER_SIDE, build_body, build_url, endpoint_key, scopes, send
from tests.integration.authz.matrix import MATRIX, Entry
from tests.integration.authz.world import ANONYMOUS, USERS, World, build_world
from tests.support.apps import build_app

IGNORED_METHODS = {"HEAD", "OPTIONS"}
BODY_CHECKS = {400, 413, 415, 422}


def _routes(app) -> dict[str, tuple[Rule, str]]:
    return {endpoint_key(rule, method): (rule, method) for rule in app.url_map.iter_rules()
            for method in sorted((rule.methods or set()) - IGNORED_METHODS)}


@pytest.fixture(scope="module")
def world(sqlite_template, tmp_path_factory) -> World:
    return build_world(sqlite_template, tmp_path_factory.mktemp("authz-world"))


def test_every_route_has_an_entry(tmp_path):
    app = build_app(f"sqlite:///{tmp_path / 'x.sqlite'}", tmp_path / "instance")
    routes = set(_routes(app))
    missing = sorted(routes - set(MATRIX))
    stale = sorted(set(MATRIX) - routes)
    assert not missing, ("routes without an entry in tests/integration/authz/matrix.py (add "
                         "'\"METHOD /rule\": _(WHO)' to MATRIX, see its docstring): " + ", ".join(missing))
    assert not stale, "entries of MATRIX for routes that no longer exist: " + ", ".join(stale)


def _login_redirect(response: TestResponse) -> bool:
    return response.status_code == 302 and "/login" in response.headers.get("Location", "")


def _flashed_error(world: World, response: TestResponse) -> bool:
    """A page that refuses with a redirect says why in an error flash (kept in the session cookie)."""
    if response.status_code != 302:
        return False
    client = world.app.test_client()
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith("session="):
            client.set_cookie("session", header.split(";", 1)[0].removeprefix("session="))
            with client.session_transaction() as session:
                return any(category == "error" for category, _ in session.get("_flashes", []))
    return False


def _refused(world: World, entry: Entry, response: TestResponse) -> bool:
    if response.status_code in (403, 404) or _flashed_error(world, response):
        return True
    return entry.body_first and response.status_code in BODY_CHECKS


def _passed(entry: Entry, response: TestResponse) -> bool:
    if entry.public:  # a login form, a device token: "wrong credentials" is their answer, not a refusal
        return response.status_code not in (403, 404)
    return response.status_code not in (401, 403, 404) and not _login_redirect(response)


def _cells(world: World, rule: Rule, entry: Entry):
    """(user, district side, inside his scope?, expectation: 'pass', 'refuse' or 'login') per cell."""
    scope = set() if entry.public else scopes(world, rule, {**entry.params, **entry.body})
    for user, side in USERS.items():
        home = side if side in ("js", "eq") else "js"
        allowed = user in entry.allowed and ("district" not in scope or side is not None)
        yield user, home, True, "pass" if allowed else "refuse"
        if allowed and ("own" in scope or ("district" in scope and side in ("js", "eq"))):
            yield user, OTHER_SIDE[home], False, "refuse"
    yield ANONYMOUS, "js", True, ("pass" if entry.allowed else "refuse") if entry.public else "login"


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_authorisation(world, key):
    routes = _routes(world.app)
    if key not in routes:
        pytest.fail(f"{key} is in MATRIX but not in the URL map (test_every_route_has_an_entry says more)")
    rule, method = routes[key]
    entry = MATRIX[key]
    wrong = []
    for user, side, inside, expected in _cells(world, rule, entry):
        who = "contractor_pm" if user == ANONYMOUS else user
        url = build_url(world, rule, entry.params, who, side, inside)
        response = send(world, rule, method, url, user, build_body(world, entry.body, who, side, inside))
        if method != "GET":
            world.restore()
        if expected == "pass":
            good = _passed(entry, response)
        elif expected == "refuse":
            good = _refused(world, entry, response)
        else:
            good = response.status_code == 401 or _login_redirect(response)
        if not good:
            where = "own district" if inside else "other district"
            wrong.append(f"{user} ({where}) {method} {url}: expected {expected}, got {response.status_code} "
                         f"{(response.get_data(as_text=True) or '')[:160]!r}")
    assert not wrong, "\n".join(wrong)
