"""The health-check fixtures (see records.py)."""
from tests.integration.health_check.records import world  # noqa: F401
