"""One demo world (tests/integration/authz/world.py) for the words tests: read, never changed."""
from __future__ import annotations

import pytest

from tests.integration.authz.world import World, build_world


@pytest.fixture(scope="package")
def world(sqlite_template, tmp_path_factory) -> World:
    return build_world(sqlite_template, tmp_path_factory.mktemp("words-world"))
