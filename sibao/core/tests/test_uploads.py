"""Issue 8 #9 / issue 9 #6: one upload validator (size, extension, content) and one store of pending uploads
(encrypted on disk, read back as a stream, deleted on discard, on expiry, and when orphaned)."""

import io
import os
import time
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from conftest import Personas
from sibao.core.errors import ServiceError
from sibao.core.models import StoredUpload
from sibao.core.tabular import write_xlsx
from sibao.core.uploads import (
    DOCUMENTS,
    SPREADSHEETS,
    folder,
    path_of,
    upload_check,
    upload_discard,
    upload_get,
    upload_open,
    upload_store,
    uploads_purge,
)

HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
NUMBER = "41022219900101123X"


def office(folder_name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder_name}document.xml", "<document/>")
    return buffer.getvalue()


def check(name: str, content: bytes, extensions: tuple[str, ...] = DOCUMENTS, max_bytes: int = 2**20) -> str:
    return upload_check(SimpleUploadedFile(name, content), extensions=extensions, max_bytes=max_bytes, code="x")


@pytest.mark.parametrize(
    ("name", "content", "extensions"),
    [
        ("申请表.pdf", b"%PDF-1.7\n...", DOCUMENTS),
        ("照片.jpg", b"\xff\xd8\xff\xe0....", DOCUMENTS),
        ("照片.png", b"\x89PNG\r\n\x1a\n....", DOCUMENTS),
        ("说明.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....", DOCUMENTS),
        ("说明.docx", office("word/"), DOCUMENTS),
        ("名单.xlsx", write_xlsx(["名称"], [["甲"]], sheet_title="表"), SPREADSHEETS),
        ("名单.csv", "名称,编号\n甲,1\n".encode("gbk"), SPREADSHEETS),
        ("名单.csv", "\ufeff名称,编号\n甲,1\n".encode(), SPREADSHEETS),
    ],
)
def test_real_files_pass(name: str, content: bytes, extensions: tuple[str, ...]) -> None:
    assert check(f"some/folder/{name}", content, extensions) == name


@pytest.mark.parametrize(
    ("name", "content", "extensions"),
    [
        ("申请表.pdf", HTML, DOCUMENTS),  # the case: a web page renamed .pdf
        ("申请表.pdf", EXE, DOCUMENTS),  # a program renamed .pdf
        ("照片.png", b"\xff\xd8\xff\xe0 a jpeg", DOCUMENTS),
        ("说明.docx", office("xl/"), DOCUMENTS),  # a zip, but not a Word document
        ("说明.docx", b"PK\x03\x04 not really a zip", DOCUMENTS),
        ("名单.xlsx", office("word/"), SPREADSHEETS),
        ("名单.csv", HTML, SPREADSHEETS),
        ("名单.csv", EXE, SPREADSHEETS),
        ("名单.csv", b"a,b\n\x00\x01\x02", SPREADSHEETS),
    ],
)
def test_content_that_is_not_what_its_name_says_is_refused(name: str, content: bytes, extensions: Any) -> None:
    with translation.override("zh-hans"), pytest.raises(ServiceError) as refused:
        check(name, content, extensions)
    assert refused.value.code == "x.content" and refused.value.field == "file"
    assert name in refused.value.message and "不是" in refused.value.message


def test_type_size_and_empty_are_refused_with_the_limit_named() -> None:
    with translation.override("zh-hans"):
        with pytest.raises(ServiceError) as wrong_type:
            check("病毒.exe", EXE)
        assert wrong_type.value.code == "x.type" and "PDF" in wrong_type.value.message
        with pytest.raises(ServiceError) as too_big:
            check("申请表.pdf", b"%PDF-" + b"0" * 2**20)
        assert too_big.value.code == "x.size" and "1 MB" in too_big.value.message
        with pytest.raises(ServiceError) as empty:
            check("申请表.pdf", b"")
        assert empty.value.code == "x.empty"


@pytest.mark.django_db
class TestStore:
    def test_a_stored_file_is_encrypted_on_disk_and_read_back_as_a_stream(self, personas: Personas) -> None:
        content = (f"姓名,身份证号码\n王建军,{NUMBER}\n" * 50_000).encode()
        stored = upload_store(
            owner=personas.ent_a_user, purpose="test", upload=io.BytesIO(content), name="员工.csv", max_bytes=2**23
        )
        assert stored.size == len(content) and len(stored.sha256) == 64
        on_disk = path_of(stored).read_bytes()
        assert NUMBER.encode() not in on_disk and "王建军".encode() not in on_disk
        with upload_open(stored) as stream:
            assert stream.read(10) == content[:10]
            stream.seek(0)
            assert stream.read() == content
            stream.seek(len(content) - 5)
            assert stream.read() == content[-5:]

    def test_only_the_owner_gets_it_back_and_only_before_it_expires(self, personas: Personas) -> None:
        stored = upload_store(
            owner=personas.ent_a_user, purpose="test", upload=io.BytesIO(b"a,b\n"), name="x.csv", max_bytes=100
        )
        assert upload_get(owner=personas.ent_a_user, pk=stored.pk, purpose="test") == stored
        assert upload_get(owner=personas.ent_b_user, pk=stored.pk, purpose="test") is None
        assert upload_get(owner=personas.ent_a_user, pk=stored.pk, purpose="other") is None
        assert upload_get(owner=personas.ent_a_user, pk="not-a-uuid", purpose="test") is None
        StoredUpload.objects.filter(pk=stored.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        assert upload_get(owner=personas.ent_a_user, pk=stored.pk, purpose="test") is None

    def test_a_file_past_the_limit_leaves_nothing_behind(self, personas: Personas) -> None:
        before = set(folder().glob("*.enc"))
        with pytest.raises(ServiceError):
            upload_store(owner=personas.ent_a_user, purpose="t", upload=io.BytesIO(b"x" * 101), name="x", max_bytes=100)
        assert not StoredUpload.objects.exists() and set(folder().glob("*.enc")) == before

    def test_discard_purge_and_orphans(self, personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
        kept, expired, discarded = (
            upload_store(owner=personas.ent_a_user, purpose="t", upload=io.BytesIO(b"1"), name="x", max_bytes=9)
            for _ in range(3)
        )
        with django_capture_on_commit_callbacks(execute=True):
            upload_discard(discarded)
        assert not path_of(discarded).exists() and not StoredUpload.objects.filter(pk=discarded.pk).exists()
        StoredUpload.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        orphan = folder() / "0123456789abcdef0123456789abcdef.enc"  # a process died between file and row
        orphan.write_bytes(b"x")
        old = time.time() - 7 * 86400
        os.utime(orphan, (old, old))
        assert uploads_purge() == 2
        assert path_of(kept).exists() and not path_of(expired).exists() and not orphan.exists()
        assert list(StoredUpload.objects.values_list("pk", flat=True)) == [kept.pk]
