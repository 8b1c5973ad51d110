"""Upload abuse: content against extension, markup never stored or served live, zero-byte and traversal names,
size and count limits; downloads are attachments with a type from the extension and nosniff."""

from __future__ import annotations

import io

import pytest

from tests.factories import NOW, make_item
from workflows import attachments
from workflows.errors import InvalidInput

ALLOWED = frozenset(["jpg", "jpeg", "png", "gif", "pdf", "doc", "docx", "xls", "xlsx", "txt", "mp4", "mp3", "zip",
                     "svg", "html"])
CASES = [
    ("evil.svg", b"<svg onload=alert(1)>", "不支持的文件类型"),
    ("page.html", b"<html><script>alert(1)</script>", "不支持的文件类型"),
    ("photo.jpg", b"<html><script>alert(1)</script>", "内容与扩展名不符"),
    ("photo.png", b"\xff\xd8\xff\xe0jpeg really", "内容与扩展名不符"),
    ("report.pdf", b"MZ\x90\x00 an exe", "内容与扩展名不符"),
    ("notes.txt", b"<script>alert(1)</script>", "内容与扩展名不符"),
    ("notes.txt", b"\x00\x01\x02binary", "内容与扩展名不符"),
    ("book.xlsx", b"not a zip", "内容与扩展名不符"),
    ("empty.pdf", b"", "0 字节"),
    ("../../etc/passwd.pdf", b"%PDF-1.4", "不能包含路径"),
    ("..\\win.pdf", b"%PDF-1.4", "不能包含路径"),
    (".hidden.pdf", b"%PDF-1.4", "以点开头"),
    ("a" * 300 + ".pdf", b"%PDF-1.4", "文件名为空或过长"),
    ("big.pdf", b"%PDF" + b"x" * 2000, "文件过大"),
]


@pytest.mark.parametrize(("name", "data", "message"), CASES, ids=[c[0][:20] for c in CASES])
def test_abusive_uploads_are_refused_with_a_clear_message(name, data, message):
    with pytest.raises(InvalidInput, match=message):
        attachments.check(attachments.Upload(name, "image/jpeg", data), ALLOWED, 1024)


GENUINE = [("照片.jpg", b"\xff\xd8\xff\xe0x"), ("a.png", b"\x89PNG\r\n\x1a\nx"), ("a.pdf", b"%PDF-1.7"),
           ("a.docx", b"PK\x03\x04x"), ("记录.txt", "中文记录".encode("gb18030")), ("v.mp4", b"\0\0\0\x18ftypmp42")]


@pytest.mark.parametrize(("name", "data"), GENUINE)
def test_genuine_files_pass(name, data):
    attachments.check(attachments.Upload(name, "", data), ALLOWED, 1024)


def test_too_many_files_in_one_submission():
    with pytest.raises(InvalidInput, match="一次最多上传 10 个文件"):
        attachments.check_count(11, 10)


def test_a_download_is_an_attachment_with_a_safe_type(app, db, org, as_user):
    item = make_item(db, org)
    row = attachments.save(db, actor=org.coordinator, now=NOW, folder=app.config["UPLOAD_FOLDER"],
                           family="instructed_item", subject_id=item.id, step=None,
                           upload=attachments.Upload("批示.pdf", "text/html", b"%PDF-1.4"))
    db.flush()
    resp = as_user(org.coordinator).get(f"/attachments/{row.id}")
    assert resp.status_code == 200 and resp.headers["Content-Disposition"].startswith("attachment")
    assert resp.mimetype == "application/pdf" and resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in resp.headers["Content-Security-Policy"]


def test_the_web_form_shows_the_upload_error_next_to_the_field(as_user, org, db):
    from tests.factories import finish, open_work
    from tests.webapp.helpers import token_from

    item = make_item(db, org)
    finish(db, actor=org.coordinator, now=NOW, item=item, task_uuid=open_work(db, item)[0].task_uuid,
           values={"lead_squad_id": org.squad_a.id})
    finish(db, actor=org.a_leader, now=NOW, item=item, task_uuid=open_work(db, item)[0].task_uuid,
           values={"handler_id": org.a_member.id})
    step = open_work(db, item)[0]
    client = as_user(org.a_member)
    token = token_from(client, f"/items/{item.id}")
    resp = client.post(f"/s/instructed_item/{item.id}/steps/{step.task_uuid}", content_type="multipart/form-data",
                       data={"csrf_token": token, f"{step.step}-findings": "现场核查",
                             f"{step.step}-files": (io.BytesIO(b"<html>"), "照片.jpg")})
    assert resp.status_code == 400 and "内容与扩展名不符" in resp.get_data(as_text=True)
