"""The XML tree of a JSON envelope: names, lists, None, booleans, keys that are not XML names."""
from __future__ import annotations

from lxml import etree

from app.api.xml_answers import EXCHANGED_RECORDS, record_name, to_xml
from app.api.xml_schemas import EXCHANGED

NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


def test_record_names_follow_the_dump_schema():
    assert [record_name(n) for n in ("ProjectSchema", "HazardousWorkSchema", "CaseSchema")] == [
        "project", "hazardous_work", "case"]
    assert tuple(EXCHANGED) == EXCHANGED_RECORDS  # the XSD served are the ones the document names


def test_an_envelope_becomes_the_same_tree():
    root = etree.fromstring(to_xml({"data": [{"id": 1, "ok": True, "gone": None, "tags": ["a", "b"],
                                              "form": {"3rd": 1, "xml_x": 2, "名称": 3, "a b": 4}}],
                                    "meta": {"total": 1}}, "work"))
    [work] = root.findall("data/work")
    assert (work.findtext("id"), work.findtext("ok"), work.find("gone").get(NIL)) == ("1", "true", "true")
    assert [t.text for t in work.findall("tags/item")] == ["a", "b"]
    assert {e.get("key"): e.text for e in work.findall("form/entry")} == {
        "3rd": "1", "xml_x": "2", "名称": "3", "a b": "4"}
    assert root.findtext("meta/total") == "1"


def test_one_record_and_errors():
    one = etree.fromstring(to_xml({"data": {"code": "P-1"}, "meta": {}}, "project"))
    assert one.findtext("data/project/code") == "P-1"
    error = etree.fromstring(to_xml({"error": {"code": "not_found", "message": "没有\x00找到", "fields": {}}}))
    assert (error.findtext("error/code"), error.findtext("error/message")) == ("not_found", "没有\ufffd找到")
