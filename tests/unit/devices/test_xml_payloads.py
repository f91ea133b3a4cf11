"""Device XML: the bound on size, numbers XML allows but JSON cannot carry, the JSON documents made."""
from __future__ import annotations

import pytest

from app.services.ingestion.xml_payloads import MAX_XML_BYTES, XmlPayloadError, parse_device_xml

READING = ("<reading><data_id>a</data_id><project_code>P</project_code><device_code>D</device_code>"
           "<device_type>tower_crane</device_type><collected_at>2026-05-04T10:00:00+08:00</collected_at>"
           "<metrics>{metrics}</metrics>{extra}</reading>")


def test_a_reading_becomes_the_json_document():
    body = READING.format(metrics='<metric name="load_pct">50</metric>',
                          extra="<alarm_type>overload</alarm_type><level>alarm</level><message/>")
    assert parse_device_xml(body.encode()) == [{
        "data_id": "a", "project_code": "P", "device_code": "D", "device_type": "tower_crane",
        "collected_at": "2026-05-04T10:00:00+08:00", "alarm_type": "overload", "level": "alarm",
        "message": "", "metrics": {"load_pct": 50.0}}]


@pytest.mark.parametrize("value", ["NaN", "INF", "-INF"])
def test_numbers_json_cannot_carry_are_refused(value):
    with pytest.raises(XmlPayloadError) as refused:
        parse_device_xml(READING.format(metrics=f'<metric name="load_pct">{value}</metric>', extra="").encode())
    assert refused.value.problems == ["line 1: metric 'load_pct' is not a finite number"]


def test_the_body_is_bounded_before_it_is_parsed():
    body = b"<device_data>" + b" " * MAX_XML_BYTES + b"</device_data>"
    with pytest.raises(XmlPayloadError) as refused:
        parse_device_xml(body)
    assert "exceeds" in refused.value.problems[0]
