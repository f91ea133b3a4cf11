"""Bad input never blocks issuing: placeholders for gaps, clear errors for real failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.rendering import TEMPLATES, NoticeRenderError, render_html, render_pdf, sample_context
from app.rendering.environment import PLACEHOLDER_TEXT
from tests.unit.notices.conftest import pdf_text, squash


def test_missing_and_empty_fields_print_the_placeholder(tmp_path: Path) -> None:
    ctx = sample_context("rectification_notice")
    address = ctx["project"].pop("address")
    ctx["deadline"] = ""
    ctx["problems"][1]["location"] = None
    text = squash(pdf_text(render_pdf("rectification_notice", ctx), tmp_path))
    assert squash(address) not in text
    assert text.count(PLACEHOLDER_TEXT) == 3


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_empty_context_renders_with_placeholders(name: str, tmp_path: Path) -> None:
    text = squash(pdf_text(render_pdf(name, {}), tmp_path))
    assert PLACEHOLDER_TEXT in text
    assert "回执" in text


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_wrong_shapes_do_not_raise(name: str) -> None:
    ctx = {key: None for key in sample_context(name)}
    ctx |= {"project": "not a mapping", "addressees": "某单位", "problems": [None, "文字", 3]}
    html = render_html(name, ctx)
    assert PLACEHOLDER_TEXT in html


def test_low_overall_score_is_red_and_marked() -> None:
    ctx = sample_context("health_check_report") | {"overall_score": 55.5}
    html = render_html("health_check_report", ctx)
    assert '<span class="score-low">55.5（预警）</span>' in html


def test_unknown_template_is_a_render_error() -> None:
    with pytest.raises(NoticeRenderError) as info:
        render_html("no_such_notice", {})
    assert info.value.code == "notice_render_failed"


class _Exploding:
    def __str__(self) -> str:
        raise ValueError("sensor value unreadable")


def test_exception_inside_template_is_wrapped_with_its_message() -> None:
    ctx = sample_context("urging_notice") | {"subject": _Exploding()}
    with pytest.raises(NoticeRenderError) as info:
        render_pdf("urging_notice", ctx)
    assert "ValueError: sensor value unreadable" in str(info.value)
    assert info.value.template == "urging_notice"
