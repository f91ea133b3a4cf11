"""Cross-check of a concrete batch failing its grade against the witness samples of its project
(seed 000 §3.1.5.1.3 见证取样, §3.1.5.2.5 检测单位监管): the witnessed samples are the proof
that the tested specimens are the batch's own, so

- a sample witnessed for that batch (its `batch` is the delivery's number or weighbridge ticket)
  whose report says qualified while the batch's strength test fails: `witness_contradiction`
  (one of the two reports is not the batch's; raised for the agency of the witness report);
- a failing batch with no witness sample at all: `witness_missing` (raised for the agency that
  tested the batch).

Both are checked when the failing test is entered and again when a qualified report of such a
sample arrives later; each is raised once (warnings.raise_warning keys), counted by the quality
console like every warning, and told to the district's quality officers.
"""
from __future__ import annotations

from sqlalchemy import func, or_, select

from app.extensions import db
from app.models import WARNING_KINDS, ConcreteDelivery, ConcreteStrengthTest, QualityReport, QualitySample
from app.services.quality import warnings


def _batch_samples(delivery: ConcreteDelivery) -> list[QualitySample]:
    names = {delivery.number.strip().lower(), delivery.weighbridge_no.strip().lower()}
    return list(db.session.scalars(select(QualitySample).where(
        QualitySample.project_id == delivery.project_id,
        func.lower(func.trim(QualitySample.batch)).in_(sorted(names))).order_by(QualitySample.id)))


def _qualified_reports(sample: QualitySample) -> list[QualityReport]:
    return list(db.session.scalars(select(QualityReport).where(
        QualityReport.samples.any(QualitySample.id == sample.id), QualityReport.conclusion == "qualified")
        .order_by(QualityReport.id)))


def check_failing_batch(test: ConcreteStrengthTest) -> int:
    """Raise the cross-check warnings of a strength test failing its grade (inside the caller's
    transaction); returns how many are new."""
    if test.conclusion != "unqualified":
        return 0
    delivery = test.delivery
    samples = _batch_samples(delivery)
    batch = f"{delivery.project.name}的混凝土批次 {delivery.number}（{delivery.grade}，{delivery.location}）"
    if not samples:
        message = f"{batch}强度检测不合格（报告 {test.report_no}），但该批次没有见证取样记录。"
        return _raise("witness_missing", f"{test.id}", message, test.agency_id, test.project_id)
    raised = 0
    for sample in samples:
        for report in _qualified_reports(sample):
            message = (f"{batch}强度检测不合格（报告 {test.report_no}），而该批次的见证样品 {sample.code} "
                       f"的检测报告 {report.report_no}（{report.agency.name}）结论为合格，请核查样品是否属于该批次。")
            raised += _raise("witness_contradiction", f"{test.id}:{report.id}", message, report.agency_id,
                             test.project_id)
    return raised


def check_qualified_report(report: QualityReport) -> int:
    """A qualified report of samples witnessed for batches that failed their strength test
    raises the contradiction (inside the caller's transaction); returns how many are new."""
    if report.conclusion != "qualified":
        return 0
    names = {s.batch.strip().lower() for s in report.samples}
    failing = db.session.scalars(select(ConcreteStrengthTest).join(ConcreteDelivery).where(
        ConcreteStrengthTest.project_id == report.project_id, ConcreteStrengthTest.conclusion == "unqualified",
        or_(func.lower(ConcreteDelivery.number).in_(sorted(names)),
            func.lower(ConcreteDelivery.weighbridge_no).in_(sorted(names)))).order_by(ConcreteStrengthTest.id))
    return sum(check_failing_batch(test) for test in failing)


def _raise(kind: str, key: str, message: str, agency_id: int | None, project_id: int) -> int:
    if not warnings.raise_warning(kind, key, message, agency_id=agency_id, project_id=project_id):
        return 0
    warnings.tell_quality_officers(project_id, WARNING_KINDS[kind], message)
    return 1
