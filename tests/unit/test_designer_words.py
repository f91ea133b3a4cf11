"""Every Chinese text of the modeler bundle's sources has its English (assets/designer/english.js),
and every text of the page scripts comes from the page's words (designer/_words.html, the form page)."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHINESE_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*[\u3400-\u9fff\uff08-\uff1f\u3001](?:[^"\\\n]|\\.)*)"')


def _english_keys() -> set[str]:
    source = (ROOT / "assets/designer/english.js").read_text(encoding="utf-8")
    return set(re.findall(r'^\s*"([^"]+)":', source, re.M))


def test_every_chinese_text_of_the_bundle_has_its_english():
    keys = _english_keys()
    missing = {}
    for path in sorted((ROOT / "assets/designer").glob("*.js")):
        if path.name in ("english.js", "translate.js", "feel_stub.js"):
            continue  # the tables themselves; the FEEL stub's text is never shown
        found = [text for text in CHINESE_LITERAL.findall(path.read_text(encoding="utf-8")) if text not in keys]
        if found:
            missing[path.name] = found
    assert missing == {}


def test_the_page_scripts_hold_no_chinese_text():
    for name in ("designer.js", "form_builder.js"):
        script = (ROOT / "app/web/static" / name).read_text(encoding="utf-8")
        assert CHINESE_LITERAL.findall(script) == [], name


def test_every_start_rule_subject_has_its_english():
    """The modeler lists the subjects a start rule may name; each has its word in both languages."""
    from app.domain import vocabulary
    from app.services import load_operators
    from app.services.definitions.start_guards import GUARDS

    load_operators()  # imports the capabilities, which register their guards
    assert {"hazardous_work", "supervision_record"} <= set(GUARDS)
    assert all(vocabulary.term(code, "subject") for code in GUARDS)
