"""Sending one cell of the authorisation matrix: an endpoint, a user, the objects of one district."""
from __future__ import annotations

from dataclasses import dataclass

from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from tests.integration.authz.world import ANONYMOUS, World

# URL parameter -> the kind of object of the world it names (entries may override per endpoint).
PARAM_KINDS = {
    "code": "project", "device_type": "device_type", "device_id": "device", "operator_id": "operator",
    "work_id": "work", "plan_id": "plan", "instance_id": "instance", "task_id": "task",
    "attachment_id": "attachment", "document_id": "document", "incident_id": "incident",
    "announcement_id": "announcement", "notification_id": "notification", "user_id": "user",
    "grant_id": "grant", "clause_id": "clause", "expert_id": "expert", "key": "process_key", "name": "form",
    "worker_id": "worker", "session_id": "education_session", "point_id": "assessment_point",
    "delivery_id": "concrete_delivery",
}
OTHER_SIDE = {"js": "eq", "eq": "js"}


@dataclass(frozen=True)
class Fixed:
    """A URL parameter with one literal value (a section name, an action, a file)."""
    value: str


def endpoint_key(rule: Rule, method: str) -> str:
    return f"{method} {rule.rule}"


def param_value(world: World, spec: str | Fixed, user: str, side: str, inside: bool) -> object:
    """The value of one URL parameter: an object of `side`'s district, or the user's own one
    (`inside`) or somebody else's for objects that belong to one user."""
    if isinstance(spec, Fixed):
        return spec.value
    if spec in world.own:
        owner = user if inside and user in world.own[spec] else (
            "contractor_pm2" if user != "contractor_pm2" else "contractor_pm")
        return world.own[spec][owner]
    return world.ids[spec][side]


def build_url(world: World, rule: Rule, specs: dict[str, str | Fixed], user: str, side: str,
              inside: bool) -> str:
    url = rule.rule
    for name in rule.arguments:
        spec = specs.get(name, PARAM_KINDS.get(name))
        if spec is None:
            raise KeyError(f"{rule.rule}: no object kind for URL parameter <{name}>; give it in the entry")
        value = param_value(world, spec, user, side, inside)
        url = url.replace(next(part for part in _placeholders(rule.rule) if part.endswith(f"{name}>")), str(value))
    return url


def _placeholders(rule: str) -> list[str]:
    parts, start = [], rule.find("<")
    while start != -1:
        end = rule.index(">", start)
        parts.append(rule[start:end + 1])
        start = rule.find("<", end)
    return parts


def scopes(world: World, rule: Rule, specs: dict[str, str | Fixed]) -> set[str]:
    """What the URL (or body) names: "district" (an object of one district), "own" (one user's)."""
    found = set()
    for name in sorted(set(rule.arguments) | set(specs)):
        spec = specs.get(name, PARAM_KINDS.get(name))
        if isinstance(spec, Fixed) or spec is None:
            continue
        if spec in world.own:
            found.add("own")
        elif world.ids[spec]["js"] != world.ids[spec]["eq"]:
            found.add("district")
    return found


def build_body(world: World, specs: dict[str, str | Fixed], user: str, side: str, inside: bool) -> dict:
    return {name: param_value(world, spec, user, side, inside) for name, spec in specs.items()}


def send(world: World, rule: Rule, method: str, url: str, user: str, body: dict | None = None) -> TestResponse:
    """One request as `user`: the API with his bearer token, pages with his session cookie.

    Writes carry an empty body unless the entry gives one: only the authorisation decision is
    exercised (a refusal must come before any validation of the body)."""
    is_api = rule.rule.startswith("/api/")
    client = world.app.test_client()
    headers = {}
    if user != ANONYMOUS:
        if is_api:
            headers["Authorization"] = f"Bearer {world.tokens[user]}"
        else:
            cookie = world.browsers[user].get_cookie("session")
            client.set_cookie("session", cookie.value)
    kwargs: dict = {"headers": headers}
    if method not in ("GET", "DELETE"):
        kwargs["json" if is_api else "data"] = body or {}
    return client.open(url, method=method, **kwargs)
