import pytest

from app.domain.super_scale import classify, evaluate, rule_parameters


@pytest.mark.parametrize(("params", "hazardous", "super_scale"), [
    ({"depth_m": 2.5}, None, False),
    ({"depth_m": 3}, True, False),
    ({"depth_m": 4.99}, True, False),
    ({"depth_m": 5}, True, True),
])
def test_excavation_thresholds(params, hazardous, super_scale):
    h, s = classify("depth_m>=3 or complex geology/surroundings", "depth_m>=5", params)
    if hazardous is None:
        assert h.needs_declaration and not h.met
    else:
        assert h.met is hazardous
    assert s.met is super_scale


def test_formwork_any_parameter_decides_and_reason_names_it():
    rule = "height_m>=8 or span_m>=18 or load_kn_m2>=15 or line_load_kn_m>=20"
    outcome = evaluate(rule, {"height_m": 6, "span_m": 18}, declared_key="x")
    assert outcome.met and outcome.reason == "搭设跨度为18 m，不小于 18 m"
    missed = evaluate("height_m>=8 or span_m>=18", {"height_m": 6}, declared_key="x")
    assert missed.reason == "未达到：搭设（安装）高度不小于 8 m，或搭设跨度不小于 18 m"


def test_always_never_and_prose_declarations():
    assert evaluate("always", {}, declared_key="x").met
    assert not evaluate("never", {"x": True}, declared_key="x").met
    prose = "special structures or toxic/fire/explosion risk"
    assert evaluate(prose, {}, declared_key="d").needs_declaration
    assert evaluate(prose, {"d": True}, declared_key="d").met
    assert not evaluate(prose, {"d": False}, declared_key="d").met


def test_booleans_are_not_numbers():
    assert not evaluate("depth_m>=5", {"depth_m": True}, declared_key="x").met


def test_rule_parameters_lists_names():
    assert rule_parameters("capacity_kn>=300 or height_m>=200") == ["capacity_kn", "height_m"]
