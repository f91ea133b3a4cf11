"""Notices print words: no raw code in any template, the notice's own photo numbers with the photos
on an annex page, moments in China time."""
from __future__ import annotations

import datetime as dt

import pytest

from app.rendering import TEMPLATES, render_html, sample_context
from app.rendering.environment import cn_date
from app.services.supervision.order_operators import notice_problems, photo_annex
from tests.support.raw_codes import code_tokens, find_codes, visible_text

PNG_URI = "data:image/png;base64,iVBORw0KGgo="


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_no_template_prints_a_code(name: str) -> None:
    assert find_codes(visible_text(render_html(name, sample_context(name))), code_tokens()) == []


def test_photos_are_numbered_by_the_notice_and_shown_on_its_annex() -> None:
    problems = [{"location": "3#楼", "description": "临边无防护", "photos": [14, 15]},
                {"location": "1#塔吊", "description": "限位失效", "photos": []},
                {"location": "北立面", "description": "连墙件缺失", "photos": [31]}]
    assert [p["photos"] for p in notice_problems(problems)] == [["照片1", "照片2"], [], ["照片3"]]
    annex = photo_annex(problems)
    assert [(a["label"], a["attachment_id"], a["problem"]) for a in annex] == [
        ("照片1", 14, 1), ("照片2", 15, 1), ("照片3", 31, 3)]
    context = {**sample_context("rectification_notice"), "problems": notice_problems(problems),
               "photo_annex": [{**a, "src": PNG_URI} for a in annex]}
    html = render_html("rectification_notice", context)
    text = visible_text(html)
    assert "附件：现场照片" in text and "照片3（问题3：北立面）" in text and html.count(PNG_URI) == 3
    assert "附件14" not in text and "未填写" not in text and "无" in text  # the problem without photos


def test_a_notice_without_photos_has_no_annex() -> None:
    context = {**sample_context("rectification_notice"), "photo_annex": []}
    assert "附件：现场照片" not in render_html("rectification_notice", context)


def test_moments_print_in_china_time() -> None:
    assert cn_date("2026-03-02T18:30:00+00:00") == "2026年3月3日2时30分"
    assert cn_date(dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)) == "2026年3月2日9时00分"
    assert cn_date("2026-03-05") == "2026年3月5日"
