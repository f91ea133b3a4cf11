"""Services and infra read configuration from one settings object, never from Flask's globals."""
from pathlib import Path

from app import create_app, settings
from app.config import TestConfig

ROOT = Path(__file__).resolve().parents[2]


def test_services_and_infra_do_not_read_current_app():
    offenders = [str(path.relative_to(ROOT))
                 for folder in ("app/services", "app/infra")
                 for path in sorted((ROOT / folder).rglob("*.py"))
                 if "current_app" in path.read_text(encoding="utf-8")]
    assert offenders == []


def test_create_app_builds_the_settings_from_its_config(tmp_path):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://", INSTANCE_DIR=tmp_path,
                     FILES_DIR=tmp_path / "files", HAZARD_PANEL_MIN_SIZE="7", URGING_DEFAULT_DAYS=3)
    with app.app_context():
        current = settings.current()
    assert current is settings.of(app)
    assert (current.files_dir, current.hazard_panel_min_size, current.urging_days) == (tmp_path / "files", 7, 3)
    # Defaults the services used before: the tests' app seeds no demo cases, deadlines of 7 days.
    assert (current.demo_order_cases, current.demo_hazard_cases, current.order_deadline_days) == (False, False, 7)
    assert current.mqtt_url not in repr(current)


def test_each_app_keeps_its_own_settings(tmp_path):
    one = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://", INSTANCE_DIR=tmp_path / "one",
                     FILES_DIR=tmp_path / "one-files")
    two = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://", INSTANCE_DIR=tmp_path / "two",
                     FILES_DIR=tmp_path / "two-files")
    with one.app_context():
        with two.app_context():
            assert settings.current().files_dir == tmp_path / "two-files"
        assert settings.current().files_dir == tmp_path / "one-files"
