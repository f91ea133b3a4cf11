"""Test reports in XML: the JSON path once parsed (accepted, modified, refused for a foreign
sample, unqualified starting the handling chain), the published XSD enforced with the lines of
the problems, unsafe or oversized bodies refused and kept."""
from __future__ import annotations

from lxml import etree
from sqlalchemy import select

from app.extensions import db
from app.models import ReportRejection
from tests.integration.quality.concrete_support import deploy_handling
from tests.integration.quality.support import commission, make_agency, make_sample


def report_xml(codes: list[str], *, report_no: str = "BG-X-1", conclusion: str = "qualified",
               value: str = "455", project: str = "JS-2026-001", extra: str = "") -> str:
    samples = "".join(f"<sample_code>{c}</sample_code>" for c in codes)
    return ("<?xml version='1.0' encoding='utf-8'?>\n<quality_report>\n"
            f"  <report_no>{report_no}</report_no>\n  <project_code>{project}</project_code>\n"
            "  <issued_at>2026-03-04T10:00:00+08:00</issued_at>\n"
            "  <received_at>2026-03-02T09:00:00+08:00</received_at>\n"
            f"  <conclusion>{conclusion}</conclusion>\n  <sample_codes>{samples}</sample_codes>\n"
            f"  <items><item><name>屈服强度</name><value>{value}</value><standard>≥400MPa</standard>"
            f"<result>合格</result></item></items>{extra}\n</quality_report>")


def post_xml(api, token: str, body: str | bytes, content_type: str = "application/xml"):
    data = body.encode() if isinstance(body, str) else body
    return api.client.post("/api/v1/quality/reports", data=data,
                           headers={"Authorization": f"Agency {token}", "Content-Type": content_type})


def _commissioned(api) -> tuple[str, list[str]]:
    agency_id, token = make_agency(api)
    codes = [make_sample(api)]
    assert commission(api, agency_id, codes).status_code == 201
    return token, codes


def _kept(report_no: str | None = None) -> list[ReportRejection]:
    stmt = select(ReportRejection).order_by(ReportRejection.id)
    return list(db.session.scalars(stmt if report_no is None else stmt.where(ReportRejection.report_no == report_no)))


def test_an_xml_report_takes_the_json_path(demo_data, api):
    token, codes = _commissioned(api)
    r = post_xml(api, token, report_xml(codes))
    assert r.status_code == 202 and r.get_json()["data"]["status"] == "accepted", r.get_json()
    listed = api.get("/api/v1/quality/reports?project=JS-2026-001", "district_quality").get_json()["data"]
    assert [(x["report_no"], x["sample_codes"], x["items"][0]["value"]) for x in listed] == [("BG-X-1", codes, "455")]
    assert post_xml(api, token, report_xml(codes), "text/xml").get_json()["data"]["status"] == "unchanged"
    assert post_xml(api, token, report_xml(codes, value="405")).get_json()["data"]["status"] == "modified"
    foreign = make_sample(api, project="EQ-2026-001", user="admin")
    out = post_xml(api, token, report_xml([codes[0], foreign], report_no="BG-X-2")).get_json()["data"]
    assert (out["status"], out["reason_code"]) == ("rejected", "sample_other_project")


def test_an_unqualified_xml_report_starts_the_handling_chain(demo_data, api):
    deploy_handling()
    token, codes = _commissioned(api)
    out = post_xml(api, token, report_xml(codes, conclusion="unqualified", value="372")).get_json()["data"]
    assert out["status"] == "accepted" and out["handling_instance_id"]


def test_an_invalid_report_is_refused_with_its_lines_and_kept(demo_data, api):
    token, codes = _commissioned(api)
    body = report_xml(codes, conclusion="maybe", extra="\n  <owner>x</owner>")
    out = post_xml(api, token, body).get_json()["data"]
    assert (out["status"], out["reason_code"]) == ("rejected", "report_invalid")
    assert "line 7:" in out["detail"] and "conclusion" in out["detail"]
    assert "line 10:" in out["detail"] and "owner" in out["detail"]
    kept = _kept()[-1]
    assert kept.reason_code == "report_invalid" and "<owner>x</owner>" in kept.payload["_xml"]
    naive = report_xml(codes).replace("2026-03-04T10:00:00+08:00", "2026-03-04T10:00:00")
    assert "line 5:" in post_xml(api, token, naive).get_json()["data"]["detail"]
    broken = post_xml(api, token, "<quality_report>\n<report_no>1</report_no>\n</quality").get_json()["data"]
    assert broken["reason_code"] == "report_invalid" and "line 3: not well-formed" in broken["detail"]
    assert api.get("/api/v1/quality/reports", "district_quality").get_json()["data"] == []


def test_unsafe_and_oversized_bodies_are_refused_and_kept(demo_data, api):
    token, codes = _commissioned(api)
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
            "<quality_report><report_no>&b;</report_no></quality_report>")
    external = ('<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                "<quality_report><report_no>&x;</report_no></quality_report>")
    for body in (bomb, external):
        out = post_xml(api, token, body).get_json()["data"]
        assert out["status"] == "rejected" and "no DTD, entities or external references" in out["detail"]
    huge = report_xml(codes, extra="<!--" + "x" * 300_000 + "-->")
    out = post_xml(api, token, huge).get_json()["data"]
    assert out["status"] == "rejected" and "exceeds" in out["detail"]
    nul = post_xml(api, token, report_xml(codes).replace("BG-X-1", "BG\x00X")).get_json()["data"]
    assert nul["status"] == "rejected" and "not well-formed" in nul["detail"]
    kept = _kept()
    assert len(kept) == 4 and "BG\ufffdX" in kept[-1].payload["_xml"]
    assert kept[-2].payload["_xml"].endswith("xxx") and len(kept[-2].payload["_xml"].encode()) <= 20_000


def test_a_bad_token_is_refused_and_the_body_kept(demo_data, api):
    _, codes = _commissioned(api)
    r = post_xml(api, "nonsense", report_xml(codes))
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "agency_token_invalid"
    assert [k.reason_code for k in _kept()] == ["agency_token_invalid"] and "<quality_report>" in _kept()[0].payload["_xml"]


def test_the_published_xsd_is_the_one_enforced(demo_data, api):
    token, codes = _commissioned(api)
    r = api.client.get("/api/v1/schemas/quality_report.xsd")
    assert r.status_code == 200
    xsd = etree.XMLSchema(etree.fromstring(r.data))
    assert xsd.validate(etree.fromstring(report_xml(codes).encode()))
    assert not xsd.validate(etree.fromstring(report_xml(codes, conclusion="maybe").encode()))
    spec = api.client.get("/api/v1/openapi.json").get_json()
    body = spec["paths"]["/api/v1/quality/reports"]["post"]["requestBody"]["content"]
    assert "quality_report.xsd" in body["application/xml"]["schema"]["description"]
