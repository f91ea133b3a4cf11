"""The restore drill: the empty place to restore into (tests/integration/backup/conftest.py)."""
from tests.integration.backup.conftest import empty_target, own_folders  # noqa: F401  (fixtures)
