"""Celery wiring: ``configure_celery``, called by create_app. The worker's entry point is
app/celery_worker.py (``celery -A app.celery_worker worker -B --pool=solo``)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from celery import Celery, Task
from flask import Flask, has_app_context


def configure_celery(celery: Celery, app: Flask) -> None:
    """Bind `celery` to `app`'s configuration; run every task inside an app context.

    Embedded default: kombu's filesystem transport, with its folders under CELERY_DATA_DIR.
    Web and worker must see the same folder, so the in and out folders are one `queue/` folder.
    """
    config = app.config
    broker_url = config["CELERY_BROKER_URL"]
    celery.conf.update(
        broker_url=broker_url,
        result_backend=config.get("CELERY_RESULT_BACKEND"),
        task_ignore_result=not config.get("CELERY_RESULT_BACKEND"),
        task_always_eager=config.get("CELERY_ALWAYS_EAGER", False),
        task_eager_propagates=True,
        timezone=config.get("TIMEZONE", "UTC"),
        broker_connection_retry_on_startup=True,
        beat_schedule=config.get("CELERY_BEAT_SCHEDULE", {}),
        worker_hijack_root_logger=False,
    )
    if broker_url.startswith("filesystem://"):
        celery.conf.broker_transport_options = _filesystem_folders(Path(config["CELERY_DATA_DIR"]))
    celery.Task = _app_context_task(app)
    celery.set_default()
    app.extensions["celery"] = celery
    # Register every task of the code base (after the Task base above is set): the outbox sends
    # them by name and imports none of them.
    from app import tasks  # noqa: F401


def _filesystem_folders(data_dir: Path) -> dict[str, Any]:
    folders = {"queue": data_dir / "queue", "processed": data_dir / "processed",
               "control": data_dir / "control"}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
        "store_processed": False,
    }


def _app_context_task(app: Flask) -> type[Task]:
    class AppContextTask(Task):
        """Tasks use the session and config of `app`; eager calls keep the caller's context."""

        abstract = True

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            if has_app_context():
                return self.run(*args, **kwargs)
            with app.app_context():
                return self.run(*args, **kwargs)

    return AppContextTask

