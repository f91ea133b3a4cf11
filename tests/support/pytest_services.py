"""pytest plugin: fixtures that hand tests real PostgreSQL, Redis and MQTT servers.

A missing server binary skips the test with the package to install, so a newcomer without
PostgreSQL can still run the unit tests. CI sets SITECASE_REQUIRE_SERVICES=1, which turns that
skip into a failure: there a skipped integration test would be a silently lost test. A server
that is installed but fails to start is always an error.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from tests.support.services import (
    MosquittoBroker,
    ServiceMissingError,
    create_database,
    drop_database,
    find_mosquitto,
    find_postgres,
    find_redis,
    running_mosquitto,
    running_postgres,
    running_redis,
)

REQUIRE_SERVICES_ENV = "SITECASE_REQUIRE_SERVICES"

# Tests using these fixtures get the marker, so `-m "not postgres"` deselects them.
_MARKERS = {
    "postgres_url": "postgres", "fresh_postgres_db": "postgres",
    "redis_url": "redis",
    "mqtt_url": "mqtt", "mqtt_broker": "mqtt",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for marker in {_MARKERS[name] for name in getattr(item, "fixturenames", ()) if name in _MARKERS}:
            item.add_marker(marker)


def require_installed(find: Callable[[], str]) -> None:
    """Skip (or, under SITECASE_REQUIRE_SERVICES=1, fail) when a server binary is missing."""
    try:
        find()
        return
    except ServiceMissingError as exc:
        reason = str(exc)
    # outside the except block, so the report shows the reason and not a chained traceback
    if os.environ.get(REQUIRE_SERVICES_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_SERVICES_ENV}=1 forbids skipping)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a session-wide PostgreSQL database `sitecase` (shared: clean up what you write)."""
    require_installed(find_postgres)
    with running_postgres() as url:
        yield url


@pytest.fixture
def fresh_postgres_db(postgres_url: str) -> Iterator[str]:
    """URL of a new, empty database on the session server, dropped after the test."""
    url = create_database(postgres_url)
    yield url
    drop_database(postgres_url, url.rsplit("/", 1)[1])


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """URL of a session-wide Redis without persistence (database 0)."""
    require_installed(find_redis)
    with running_redis() as url:
        yield url


@pytest.fixture(scope="session")
def mqtt_url() -> Iterator[str]:
    """`mqtt://127.0.0.1:PORT` of a session-wide Mosquitto. Do not stop it: use `mqtt_broker`."""
    require_installed(find_mosquitto)
    with running_mosquitto() as broker:
        yield broker.url


@pytest.fixture
def mqtt_broker() -> Iterator[MosquittoBroker]:
    """A Mosquitto of this test's own, which it may `.stop()`, `.start()` and `.restart()`."""
    require_installed(find_mosquitto)
    with running_mosquitto() as broker:
        yield broker
