"""A project whose monthly score is below the pass mark gets a `health_check_rectification`
case, once per project and month: the score row keeps the case's id, so a rerun starts none."""
from __future__ import annotations

from app.extensions import db
from app.models import HealthCheckScore, Project
from app.services.access.actors import SYSTEM
from app.services.health_check.scoring import PASS_MARK, for_each_score
from app.services.supervision.orders import start_child_case

PROCESS_KEY = "health_check_rectification"


def start_rectifications(month: str, threshold: float = PASS_MARK) -> int:
    """Start the case of every scored project of `month` below `threshold` that has none;
    returns how many started."""
    def start(score: HealthCheckScore) -> bool:
        if score.rectification_instance_id is not None:
            return False
        year, mon = score.month.split("-")
        project = db.session.get(Project, score.project_id)
        score.rectification_instance_id = start_child_case(
            SYSTEM, PROCESS_KEY, None, project,
            {"month": month, "score": score.score, "score_threshold": threshold},
            title=f"{int(year)}年{int(mon)}月工地体检整改（{project.name}）",
            subject_type="health_check_score", subject_id=score.id)
        return True
    return for_each_score(month, (HealthCheckScore.score < threshold)
                          & HealthCheckScore.rectification_instance_id.is_(None), start)
