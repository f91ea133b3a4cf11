"""Use cases, one package per capability: plain functions, one transaction each. They raise
DomainError, never HTTP errors. ARCHITECTURE.md names the packages and what each holds."""
from __future__ import annotations

import importlib

# Each capability's service-task operators; importing a module registers its operators in
# app.services.definitions.operator_registry.
OPERATOR_MODULES = (
    "app.services.workflow.binding_operators",
    "app.services.hazard.operators",
    "app.services.supervision.order_operators",
    "app.services.supervision.inspection_operators",
    "app.services.supervision.urging_operators",
    "app.services.monitoring.alarm_operators",
    "app.services.notices.operators",
    "app.services.registrations.operators",
    "app.services.notifications.operators",
    "app.services.site_records.operators",
)


# The owners of start subjects; importing a module registers its guard in
# app.services.definitions.start_guards (the subject named by a diagram's `startSubject`).
SUBJECT_GUARD_MODULES = (
    "app.services.hazard.start_rules",
    "app.services.site_records.review_case",
)


def load_operators() -> None:
    """Register every operator and subject guard (idempotent: a module registers once, when
    first imported)."""
    for name in OPERATOR_MODULES + SUBJECT_GUARD_MODULES:
        importlib.import_module(name)
