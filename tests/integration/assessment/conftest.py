"""The assessment fixtures (see records.py)."""
from tests.integration.assessment.records import city  # noqa: F401
