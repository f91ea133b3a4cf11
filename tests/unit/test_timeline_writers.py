"""One way to write a case timeline event: only app/services/workflow/timeline.py builds one."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRITER = ROOT / "app" / "services" / "workflow" / "timeline.py"


def test_only_the_timeline_module_builds_instance_events():
    offenders = [f"{path.relative_to(ROOT)}:{n}"
                 for path in (ROOT / "app").rglob("*.py") if path != WRITER
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"(?<!class )\bInstanceEvent\(", line)]
    assert offenders == []


def test_the_timeline_module_is_the_writer():
    assert "InstanceEvent(" in WRITER.read_text(encoding="utf-8")
