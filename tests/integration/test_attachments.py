"""Attachments: type by content, size limit, stored once by sha256, only by the task's candidates."""
import hashlib
import io

import pytest
from werkzeug.datastructures import FileStorage

from app import settings
from app.errors import DomainError
from app.http_status import status_of
from app.services.access.actors import actor_for
from app.services.casework import attachment_uploads
from tests.support.factories import gen_inbox_task, gen_instance, gen_project, gen_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 100


def _file(data: bytes, name: str = "photo.png") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


@pytest.fixture
def task(app):
    project = gen_project()
    pm = gen_user("contractor_pm", project=project)
    row = gen_inbox_task(gen_instance(project), "contractor_pm")
    return pm, row


def test_upload_is_stored_by_sha256_once(app, task):
    pm, row = task
    a = attachment_uploads.attach_to_task(actor_for(pm), row.id, _file(PNG))
    b = attachment_uploads.attach_to_task(actor_for(pm), row.id, _file(PNG, "again.png"))
    assert a.sha256 == b.sha256 == hashlib.sha256(PNG).hexdigest() and a.id != b.id
    assert a.content_type == "image/png" and a.size == len(PNG)
    stored = settings.of(app).files_dir / a.sha256[:2] / a.sha256
    assert stored.read_bytes() == PNG
    assert attachment_uploads.attach_to_task(actor_for(pm), row.id, _file(PDF, "r.pdf")).content_type == "application/pdf"


@pytest.mark.parametrize(("data", "code"), [
    (b"MZ\x90\x00 an exe pretending", "file_type_not_allowed"),
    (b"<html>hi</html>", "file_type_not_allowed"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * (attachment_uploads.MAX_ATTACHMENT_BYTES + 1), "file_too_large"),
])
def test_wrong_type_or_size_is_a_clear_error(app, task, data, code):
    pm, row = task
    with pytest.raises(DomainError) as caught:
        attachment_uploads.attach_to_task(actor_for(pm), row.id, _file(data, "x.png"))
    assert caught.value.code == code and status_of(caught.value) == 422 and "file" in caught.value.fields


def test_missing_file(app, task):
    pm, row = task
    with pytest.raises(DomainError) as caught:
        attachment_uploads.attach_to_task(actor_for(pm), row.id, None)
    assert caught.value.code == "file_missing"


def test_another_projects_user_cannot_attach(app, task):
    _, row = task
    stranger = gen_user("contractor_pm", project=gen_project())
    with pytest.raises(DomainError) as caught:
        attachment_uploads.attach_to_task(actor_for(stranger), row.id, _file(PNG))
    assert caught.value.code == "task_not_found" and status_of(caught.value) == 404


def test_a_project_member_without_the_role_cannot_attach(app, task):
    _, row = task
    owner = gen_user("owner_rep", project=row.instance.project)
    with pytest.raises(DomainError) as caught:
        attachment_uploads.attach_to_task(actor_for(owner), row.id, _file(PNG))
    assert caught.value.code == "task_not_candidate" and status_of(caught.value) == 403
