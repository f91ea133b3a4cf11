"""The workflow engine: the only package that imports SpiffWorkflow.

Pure functions over plain data (bytes, JSON text, dicts, datetimes); no database, no Flask.
Deploy: `validate_bundle` then `compile_process` (store `spec_json` once per version).
Run: `start`, `start_by_message`, `complete_task`, `fire_due_timers`, `deliver_message`,
`cancel` -> EngineResult (store `state`, sync inbox rows, timers and subscriptions).
Move: `migration_blockers`, then `migrate_instance` (a running instance onto a newer version).
"""
from .errors import EngineError
from .host import OperatorRegistry
from .migration import migrate_instance, migration_blockers
from .parsing import CompiledProcess, compile_process, content_hash
from .runtime import (
                      DEFAULT_TIME_BUDGET,
                      EngineResult,
                      cancel,
                      complete_task,
                      deliver_message,
                      fire_due_timers,
                      start,
                      start_by_message,
)
from .sandbox import SandboxCompileError, compile_source
from .scripting import Host
from .validation import BundleProblem, validate_bundle

__all__ = [
    "BundleProblem", "CompiledProcess", "DEFAULT_TIME_BUDGET", "EngineError", "EngineResult",
    "Host", "OperatorRegistry", "SandboxCompileError", "cancel", "compile_process", "compile_source", "complete_task", "content_hash",
    "deliver_message", "fire_due_timers", "migrate_instance", "migration_blockers", "start", "start_by_message", "validate_bundle",
]
