"""A process's summary file deploys with its diagram: checked, versioned, read back (issue 15)."""
from __future__ import annotations

import json

import pytest

from app.formdefs import summaries
from app.services.definitions import deployments
from app.services.definitions.deployments import Bundle, BundleInvalidError, bundle_from_dirs


def _alarm_bundle(summary: bytes | None) -> Bundle:
    base = bundle_from_dirs()
    key = "device_alarm_disposal"
    files = {f"{key}.bpmn": base.files[f"{key}.bpmn"]}
    if summary is not None:
        files[summaries.file_name(key)] = summary
    return Bundle(files, {n: b for n, b in base.forms.items() if n.startswith(key)})


def test_a_bad_summary_does_not_deploy_and_a_changed_one_is_a_new_version(app):
    bad = json.dumps({"facts": [{"label": "设备", "value": "alarm.device_code"}],
                      "tasks": {"no_such_task": [{"label": "x", "value": "y"}]}}).encode()
    with pytest.raises(BundleInvalidError) as info:
        deployments.deploy(_alarm_bundle(bad))
    [problem] = info.value.problems
    assert (problem.file, problem.code) == ("device_alarm_disposal.summary.json", "summary_invalid")
    assert "no_such_task" in problem.message
    with pytest.raises(BundleInvalidError):
        deployments.deploy(_alarm_bundle(b"{not json"))

    [first] = deployments.deploy(_alarm_bundle(None))
    assert deployments.summary_of(deployments.latest_definition("device_alarm_disposal")) is None
    good = {"title": "{alarm.device_code}", "facts": [{"label": "设备", "value": "alarm.device_code"}]}
    [second] = deployments.deploy(_alarm_bundle(json.dumps(good).encode()))
    assert second.created and second.version == first.version + 1
    assert deployments.summary_of(deployments.latest_definition("device_alarm_disposal")) == good


def test_the_english_words_of_cases_are_their_versions_summary_en_maps(app):
    from app.extensions import db
    from app.models import ProcessInstance
    from app.services.casework import task_words

    [plain] = deployments.deploy(_alarm_bundle(None))
    [worded] = deployments.deploy(bundle_from_dirs(), keys=["device_alarm_disposal"])
    key = "device_alarm_disposal"
    old, new = (ProcessInstance(definition_id=d.definition_id, process_key=key, state="{}") for d in (plain, worded))
    db.session.add_all([old, new])
    db.session.flush()
    en = summaries.parse(bundle_from_dirs().files[summaries.file_name(key)])["en"]
    assert en["处置设备预警"]
    assert task_words.words_of_cases([old.id, new.id, new.id + 100]) == {old.id: {}, new.id: en}
    assert task_words.words_of_cases([]) == {}
