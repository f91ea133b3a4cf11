"""parse_xml refuses any DOCTYPE, also in encodings the byte check cannot read."""
import pytest

from app.engine.parsing import DoctypeRefusedError, parse_xml

PLAIN = '<?xml version="1.0"?><definitions id="d"/>'
WITH_DOCTYPE = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY a "b">]><definitions id="d">&a;</definitions>'


def test_plain_xml_parses():
    assert parse_xml(PLAIN.encode()).get("id") == "d"


@pytest.mark.parametrize("data", [WITH_DOCTYPE.replace("UTF-16", "UTF-8").encode(),
                                  WITH_DOCTYPE.encode("utf-16"),
                                  b'<!DOCTYPE definitions SYSTEM "http://example.invalid/x.dtd"><definitions/>'])
def test_a_doctype_is_refused(data):
    with pytest.raises(DoctypeRefusedError) as refused:
        parse_xml(data)
    assert refused.value.code == "xml_doctype_refused"
