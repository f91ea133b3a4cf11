"""Effective alarm thresholds: deployment CSV ← project (per device type) ← device.

The layering and validation rules live in ``app.services.monitoring.threshold_catalogue`` (pure); this module stores the
project and device layers and lets officials and the project's contractor PM change them.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from app import settings
from app.errors import PermissionDeniedError, ValidationError
from app.extensions import db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import DEVICE_TYPES, Device, Project, ProjectThreshold
from app.services.access import scoping
from app.services.access.actors import Actor
from app.services.monitoring.registry import get_device, may_edit
from app.services.monitoring.threshold_catalogue import ThresholdCatalogue, ThresholdSet, load_catalogue


def catalogue() -> ThresholdCatalogue:
    """The deployment's defaults: DOMAIN_DIR/alarm-thresholds.csv, else the shipped CSV."""
    path = settings.current().domain_dir / "alarm-thresholds.csv"
    return load_catalogue(path if path.is_file() else None)


def effective_sets(devices: Iterable[Device]) -> dict[int, ThresholdSet]:
    """The layered ThresholdSet of each device (one query for the project layers).

    Stored entries that no longer validate on their own (e.g. the CSV lost a metric, or a value
    stored before the physical ranges) are ignored rather than stopping ingestion; layers that
    only clash with each other fall back to the defaults. The PATCH endpoints never store either.
    """
    devices = list(devices)
    project_ids = {d.project_id for d in devices}
    layers = {(row.project_id, row.device_type): row.overrides for row in db.session.scalars(
        select(ProjectThreshold).where(ProjectThreshold.project_id.in_(project_ids)))} \
        if project_ids else {}
    cat = catalogue()
    out: dict[int, ThresholdSet] = {}
    for device in devices:
        project_layer = sound_layer(device.device_type, layers.get((device.project_id, device.device_type)))
        try:
            out[device.id] = cat.for_device(device.device_type, project_layer,
                                            sound_layer(device.device_type, device.threshold_overrides))
        except ValueError:
            out[device.id] = cat.for_device(device.device_type)
    return out


def describe(tset: ThresholdSet) -> dict[str, dict[str, Any]]:
    """A JSON view of effective limits."""
    return {m: {"unit": lim.unit, "warning": lim.warning, "alarm": lim.alarm,
                "direction": lim.direction.value,
                "rate_rule": ({"fraction": lim.rate_rule.fraction,
                               "consecutive": lim.rate_rule.consecutive} if lim.rate_rule else None)}
            for m, lim in tset.limits.items()}


def sound_layer(device_type: str, layer: Any) -> dict:
    """The entries of a stored layer that validate on their own (bad ones are ignored, so a value
    stored under older rules never blocks later changes)."""
    if not isinstance(layer, dict):
        return {}
    cat = catalogue()
    out = {}
    for metric, levels in layer.items():
        try:
            cat.for_device(device_type, {metric: levels})
        except (ValueError, TypeError, AttributeError):
            continue
        out[metric] = dict(levels)
    return out


def merge_overrides(current: dict | None, patch: dict) -> dict:
    """Apply a PATCH: ``{metric: {...}}`` replaces given keys, ``{metric: None}`` drops the metric.

    Levels are numbers (stored as floats) or null. Raises ValidationError(`threshold_invalid`)
    when the patch is not an object of such objects.
    """
    if not isinstance(patch, dict):
        raise _invalid("overrides", "必须是对象。")
    merged = {k: dict(v) for k, v in (current or {}).items()}
    for metric, levels in patch.items():
        if levels is None:
            merged.pop(metric, None)
        elif isinstance(levels, dict):
            merged[metric] = {**merged.get(metric, {}), **{k: _level_value(metric, k, v)
                                                            for k, v in levels.items()}}
        else:
            raise _invalid(f"overrides.{metric}", "必须是对象或 null。")
    return merged


def _level_value(metric: str, level: str, value: Any) -> float | None:
    # bool is an int and "90" converts, but neither is a threshold a person typed as a number.
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _invalid(f"overrides.{metric}.{level}", "必须是数字或 null。")
    try:
        return float(value)
    except OverflowError:
        raise _invalid(f"overrides.{metric}.{level}", "数值超出范围。") from None


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError("阈值设置无效。", code="threshold_invalid", fields={field: [message]})


def _validated(device_type: str, *layers: dict | None, field: str = "overrides") -> ThresholdSet:
    try:
        return catalogue().for_device(device_type, *layers)
    except ValueError as exc:
        raise _invalid(field, str(exc)) from exc


def _require_editor(actor: Actor, project: Project) -> None:
    if may_edit(actor, project):
        return
    raise PermissionDeniedError("只有辖区监管人员或本项目经理可以设置预警阈值。",
                                code="threshold_edit_denied")


def set_device_thresholds(actor: Actor, device_id: int, patch: dict, *, replace: bool = False) -> dict[str, Any]:
    """Change one device's overrides (``replace``: the patch becomes the whole override set, as
    the web form sends it); returns its effective limits.

    Raises NotFoundError(`device_not_found`), PermissionDeniedError(`threshold_edit_denied`),
    ValidationError(`threshold_invalid`).
    """
    with transaction(actor):
        device = get_device(actor, device_id)
        _require_editor(actor, device.project)
        current = {} if replace else sound_layer(device.device_type, device.threshold_overrides)
        merged = merge_overrides(current, patch)
        project_layer = sound_layer(device.device_type, db.session.scalar(select(ProjectThreshold.overrides).where(
            ProjectThreshold.project_id == device.project_id,
            ProjectThreshold.device_type == device.device_type)))
        effective = _validated(device.device_type, project_layer, merged)
        device.threshold_overrides = merged
        return {"device_id": device.id, "overrides": merged, "effective": describe(effective)}


def set_project_thresholds(actor: Actor, project_code: str, device_type: str,
                           patch: dict) -> dict[str, Any]:
    """Change a project's overrides for one device type; every device of that type must still
    validate with its own layer on top. Raises NotFoundError, PermissionDeniedError,
    ValidationError(`threshold_invalid`, `device_type` unknown)."""
    if device_type not in DEVICE_TYPES:
        raise ValidationError(fields={"device_type": ["设备类型无效。"]})
    with transaction(actor):
        project = scoping.visible_project(actor, code=project_code)
        _require_editor(actor, project)
        row = db.session.scalar(select(ProjectThreshold).where(
            ProjectThreshold.project_id == project.id, ProjectThreshold.device_type == device_type))
        merged = merge_overrides(sound_layer(device_type, row.overrides if row else None), patch)
        effective = _validated(device_type, merged)
        for device in db.session.scalars(select(Device).where(
                Device.project_id == project.id, Device.device_type == device_type)):
            _validated(device_type, merged, sound_layer(device_type, device.threshold_overrides),
                       field=f"devices.{device.code}")
        if row is None:
            row = ProjectThreshold(project_id=project.id, device_type=device_type)
            db.session.add(row)
        row.overrides, row.updated_by, row.updated_at = merged, actor.username, wallclock.now()
        return {"project_code": project.code, "device_type": device_type, "overrides": merged,
                "effective": describe(effective)}
