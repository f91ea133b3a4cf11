"""The restore drill (issue 18) on both backends: data made through the real chains — cases
started and completed, a rectification notice issued with its PDF — is backed up, the database
and files are wiped, the archive restored; every table's count and every file's sha256 match,
and the restored app serves the cases and completes a task."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

from app import settings
from app.extensions import db
from app.models import InboxTask, IssuedDocument, ProcessInstance
from app.services.backup import _database, records
from app.services.supervision.clauses import create_clause
from tests.processes.orders.support import deploy_family, status
from tests.processes.orders.test_rectification_order import audit, issue, reply, start_order
from tests.support.client import ApiClient
from tests.support.processes import actor


def _file_digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file()}


@pytest.mark.usefixtures("demo_data")
def test_backup_wipe_restore_and_carry_on(empty_target):
    deploy_family(("rectification_order",))
    create_clause(actor("district_safety"), "JGJ59-3.13", "建筑施工安全检查标准 3.13", "临边、洞口应设置防护设施。")
    done, open_case = start_order(), start_order()
    for case in (done, open_case):
        issue(case)
        reply(case)
    audit(done, "pass", opinion="整改到位")
    assert status(done) == "completed" and status(open_case) == "running"
    notice = db.session.scalar(select(IssuedDocument).where(IssuedDocument.instance_id == open_case))
    assert notice.file_path and notice.sha256
    counts, files = _database.table_counts(), _file_digests(settings.current().files_dir)
    assert notice.file_path in files  # the PDF is among the stored files
    notice_id, notice_sha = notice.id, notice.sha256
    row = records.create_backup()
    archive = settings.current().backup_dir / row.filename
    db.session.remove()

    with empty_target.app_context():  # the wiped system: empty database, empty files folder
        result = empty_target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
        assert result.exit_code == 0, result.output
        restored = _database.table_counts()
        assert restored == counts | {"audit_log": counts["audit_log"] + 1}  # + the restore's own entry
        assert _file_digests(settings.current().files_dir) == files

        api = ApiClient(empty_target.test_client(), empty_target.config["DEMO_PASSWORD"])
        pdf = api.get(f"/api/v1/documents/{notice_id}/pdf", as_user="district_safety")
        assert pdf.status_code == 200 and hashlib.sha256(pdf.data).hexdigest() == notice_sha
        assert db.session.get(ProcessInstance, done).status == "completed"
        task_id = db.session.scalar(select(InboxTask.id).where(InboxTask.instance_id == open_case,
                                                               InboxTask.task_name == "audit"))
        answer = api.post(f"/api/v1/tasks/{task_id}/complete", as_user="district_safety",
                          json={"data": {"decision": "pass", "opinion": "恢复后审核通过"}})
        assert answer.status_code == 200, answer.get_json()
        assert db.session.get(ProcessInstance, open_case).status == "completed"
