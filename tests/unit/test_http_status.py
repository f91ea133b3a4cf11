"""Every domain error of the app answers the HTTP status it answered when the classes still
carried their own `status` (issue 13): app/http_status.py is the one table."""
import importlib
import pkgutil

import pytest

import app
from app.engine import EngineError
from app.errors import DomainError, NotFoundError, ValidationError
from app.http_status import STATUS_BY_CODE, status_of, status_of_class

# The statuses of the classes as they were; a new error class is added here with its status.
STATUS_OF_CLASS = {
    "app.engine.errors.EngineError": 500,
    "app.engine.parsing.DoctypeRefusedError": 422,
    "app.errors.AuthenticationError": 401,
    "app.errors.ConflictError": 409,
    "app.errors.DomainError": 400,
    "app.errors.NotFoundError": 404,
    "app.errors.PermissionDeniedError": 403,
    "app.errors.ValidationError": 422,
    "app.http_input.BadJSONError": 400,
    "app.infra.secret_box.SecretUnreadableError": 500,
    "app.services.access.login.AccountLockedError": 423,
    "app.services.access.login.LoginFailedError": 401,
    "app.services.hazard.expert_draw.PanelShortageError": 409,
    "app.services.hazard.operators.WorkMissingError": 409,
    "app.services.hazard.operators.WorkStatusError": 409,
    "app.services.hazard.start_rules.WorkStatusInvalidError": 409,
    "app.services.hazard.start_rules.WorkTerminatedError": 409,
    "app.services.ingestion.credentials.DeviceCredentialsError": 401,
    "app.services.ingestion.http_upload.DeviceTokenError": 401,
    "app.services.ingestion.http_upload.DeviceXmlInvalidError": 422,
    "app.services.quality.reports.AgencyTokenError": 401,
    "app.services.notices.context.NoticeIssueError": 422,
    "app.api.xml_schemas.RecordSchemaNotFound": 404,
    "app.services.exchange.feed_reads.FeedCursorInvalid": 422,
    "app.services.exchange.accounts.ExchangeTokenInvalid": 401,
    "app.services.exchange.webhook_targets.WebhookUrlNotAllowed": 422,
    "app.services.exchange.webhook_subscriptions.WebhookNotFound": 404,
    "app.services.exchange.webhook_log.WebhookDeliveryNotFound": 404,
    "app.services.exchange.webhook_log.WebhookDeliveryNotDead": 409,
    "app.services.site_records.operators.RecordMissingError": 400,
    "app.services.supervision.inspection_operators.InspectionExpertShortageError": 409,
    "app.services.workflow.case_steps.CaseStartFailedError": 500,
    "app.services.workflow.case_steps.FormMissingError": 500,
    "app.services.definitions.deployments.BundleInvalidError": 422,
    "app.services.workflow.incidents.CaseFailedError": 409,
    "app.services.designer.case_migrations.MigrationBlockedError": 409,
}


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def _app_error_classes() -> dict[str, type[DomainError]]:
    for module in pkgutil.walk_packages(app.__path__, "app."):
        importlib.import_module(module.name)
    classes = [DomainError, *_subclasses(DomainError)]
    return {f"{c.__module__}.{c.__qualname__}": c for c in classes if c.__module__.startswith("app.")}


def test_every_domain_error_of_the_app_keeps_its_status():
    classes = _app_error_classes()
    assert sorted(classes) == sorted(STATUS_OF_CLASS)
    assert {name: status_of_class(cls) for name, cls in classes.items()} == STATUS_OF_CLASS


def test_no_error_class_carries_a_status_of_its_own():
    assert [name for name, cls in _app_error_classes().items() if hasattr(cls, "status")] == []


@pytest.mark.parametrize(("error", "status"), [
    (NotFoundError("无此事项。", code="task_not_found"), 404),
    (ValidationError("x", code="notice_render_failed"), 422),
    # An engine failure named after a validation code is still the engine's failure.
    (EngineError("bundle_invalid", "x"), 500),
])
def test_the_code_a_raise_passes_does_not_change_the_status(error, status):
    assert status_of(error) == status


def test_the_table_holds_only_error_statuses():
    assert all(400 <= status < 600 for status in STATUS_BY_CODE.values())
