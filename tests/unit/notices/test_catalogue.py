"""The notice catalogue is data: documents/<name>.html with documents/<name>.json, checked at import."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.domain.vocabulary import NOTICE
from app.rendering import TEMPLATES
from app.rendering.catalogue import COMMON_KEYS, COMMON_WORDS_FILE, NoticeCatalogueError, load_catalogue
from app.rendering.environment import DOCUMENTS_DIR

WORDS = {"subject": {"zh": "督办事项", "en": "Subject"}, "contact.name": {"zh": "联系人", "en": "Contact"}}
GOOD = {"title": "测试通知书", "title_en": "Test notice", "type_code": "测",
        "fields": ["subject", "contact.name"], "field_words": WORDS, "omits": ["addressees"]}


def _write(directory: Path, name: str, meta: object, *, html: bool = True) -> Path:
    common = directory / COMMON_WORDS_FILE
    if not common.exists():
        common.write_bytes((DOCUMENTS_DIR / COMMON_WORDS_FILE).read_bytes())
    if html:
        (directory / f"{name}.html").write_text("{% extends '_base.html' %}", encoding="utf-8")
    path = directory / f"{name}.json"
    path.write_text(meta if isinstance(meta, str) else json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return path


def test_every_notice_template_has_its_metadata_and_every_metadata_its_template():
    html = {p.stem for p in DOCUMENTS_DIR.glob("*.html") if not p.name.startswith("_")}
    meta = {p.stem for p in DOCUMENTS_DIR.glob("*.json") if not p.name.startswith("_")}
    assert html == meta == set(TEMPLATES)
    assert len(TEMPLATES) >= 15


def test_the_catalogue_reads_what_the_files_say():
    urging = TEMPLATES["urging_notice"]
    assert (urging.title, urging.title_en, urging.type_code) == ("督办通知书", "Urging notice", "督")
    assert "contact.phone" in urging.specific_keys and "project.name" not in urging.common_keys
    assert TEMPLATES["rectification_notice"].common_keys == COMMON_KEYS
    assert TEMPLATES["rectification_notice"].required_keys[:len(COMMON_KEYS)] == COMMON_KEYS
    # the words pages show for a notice name agree with its metadata
    for name, term in NOTICE.items():
        assert (term.zh, term.en) == (TEMPLATES[name].title, TEMPLATES[name].title_en), name


def test_a_new_notice_is_two_files(tmp_path):
    _write(tmp_path, "_part", {"not": "a notice"}, html=True)  # shared parts are not notices
    _write(tmp_path, "test_notice", GOOD)
    [(name, spec)] = load_catalogue(tmp_path).items()
    assert name == "test_notice" and spec.specific_keys == ("subject", "contact.name")
    assert spec.common_keys == tuple(k for k in COMMON_KEYS if k != "addressees")


def test_a_template_without_metadata_is_named(tmp_path):
    (tmp_path / "lonely_notice.html").write_text("x", encoding="utf-8")
    with pytest.raises(NoticeCatalogueError, match=r"lonely_notice\.html: no metadata file lonely_notice\.json"):
        load_catalogue(tmp_path)


def test_metadata_without_template_is_named(tmp_path):
    _write(tmp_path, "orphan_notice", GOOD, html=False)
    with pytest.raises(NoticeCatalogueError, match=r"orphan_notice\.json: no template orphan_notice\.html"):
        load_catalogue(tmp_path)


@pytest.mark.parametrize(("meta", "says"), [
    ("{not json", "not readable JSON"),
    ([], "must be a JSON object"),
    ({k: v for k, v in GOOD.items() if k != "type_code"}, "`type_code` is missing"),
    ({**GOOD, "colour": "red"}, "unknown keys colour"),
    ({**GOOD, "title": ""}, "`title` must be 1–100 characters"),
    ({**GOOD, "title_en": 3}, "`title_en` must be a str"),
    ({**GOOD, "type_code": "整改"}, "`type_code` must be one character"),
    ({**GOOD, "fields": ["Subject"]}, "`fields` must list"),
    ({k: v for k, v in GOOD.items() if k != "field_words"}, "`field_words` is missing"),
    ({**GOOD, "fields": ["subject", "contact.name", "weather"]}, "no words (zh, en) for weather"),
    ({**GOOD, "field_words": {**WORDS, "colour": {"zh": "颜色", "en": "Colour"}}}, "words for keys it does not print: colour"),
    ({**GOOD, "field_words": {**WORDS, "subject": {"zh": "督办事项"}}}, 'the words of subject must be {"zh": …, "en": …}'),
    ({**GOOD, "field_words": {**WORDS, "subject": {"zh": "督办事项", "en": ""}}}, "the words of subject must be"),
    ({**GOOD, "fields": ["a..b"]}, "`fields` must list"),
    ({**GOOD, "fields": ["a"] * 65}, "`fields` must list at most 64"),
    ({**GOOD, "fields": ["a", "a"]}, "lists a key twice"),
    ({**GOOD, "omits": ["subject"]}, "`omits` names keys that are not common keys: subject"),
])
def test_a_bad_metadata_file_is_a_clear_error_naming_it(tmp_path, meta, says):
    _write(tmp_path, "bad_notice", meta)
    with pytest.raises(NoticeCatalogueError) as info:
        load_catalogue(tmp_path)
    assert str(info.value).startswith("bad_notice.json: ") and says in str(info.value)


def test_two_notices_cannot_share_a_type_code(tmp_path):
    _write(tmp_path, "first_notice", GOOD)
    _write(tmp_path, "second_notice", GOOD)
    with pytest.raises(NoticeCatalogueError, match="second_notice.json: type code 测 is already first_notice's"):
        load_catalogue(tmp_path)


def test_every_key_a_notice_prints_has_its_words():
    for name, spec in TEMPLATES.items():
        for key in spec.required_keys:
            assert spec.field_word(key) and spec.field_word(key, "en"), (name, key)
    assert TEMPLATES["supervision_log"].field_word("weather", "en") == "Weather"
    assert TEMPLATES["rectification_notice"].field_word("number") == "文书编号"


def test_a_common_key_without_its_words_stops_the_catalogue(tmp_path):
    _write(tmp_path, "test_notice", GOOD)
    common = json.loads((tmp_path / COMMON_WORDS_FILE).read_text(encoding="utf-8"))
    del common["verify_url"]
    (tmp_path / COMMON_WORDS_FILE).write_text(json.dumps(common, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(NoticeCatalogueError, match=r"_common_fields\.json: no words \(zh, en\) for verify_url"):
        load_catalogue(tmp_path)
