"""Engine failures as domain errors, so the service layer can open an incident with the real text."""
from __future__ import annotations

from app.errors import DomainError


class EngineError(DomainError):
    """The workflow engine could not continue this instance."""

    code = "engine_error"

    def __init__(self, code: str, message: str, element_id: str | None = None):
        # The text ends up in PostgreSQL text columns, which refuse NUL (a script's own error).
        super().__init__(message.replace("\x00", "\\x00"), code=code)
        self.element_id = element_id

    def __str__(self) -> str:
        where = f" [{self.element_id}]" if self.element_id else ""
        return f"{self.code}: {self.message}{where}"


class SandboxViolation(BaseException):
    """A script tried to leave the sandbox. BaseException, so `except Exception` in a script cannot hide it."""


class ScriptTimeout(BaseException):
    """The run exceeded its time budget. BaseException for the same reason as SandboxViolation."""


# The only BaseExceptions that leave an engine run: the process is being stopped (Celery's warm
# shutdown, gunicorn's worker exit, Ctrl-C). Everything else becomes an EngineError, hence an
# incident of the case, so no script, expression or operator can stop a worker.
INTERPRETER_EXIT = (KeyboardInterrupt, SystemExit)
