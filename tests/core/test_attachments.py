"""Attachments: documents and images only (by name and first bytes), capped in size, stored 0600,
served as a download with nosniff."""

import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongjiang.awards import services as award_services
from gongjiang.awards.models import Allocation, Nomination
from gongjiang.core.validators import validate_attachment
from gongjiang.orgs.scope import Scope
from gongjiang.policy.models import Attachment, PolicyDocument, Rule

PDF = b"%PDF-1.4\n" + b"0" * 100


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("证明.pdf", PDF),
        ("照片.jpg", b"\xff\xd8\xff\xe0" + b"0" * 10),
        ("照片.PNG", b"\x89PNG\r\n\x1a\n" + b"0" * 10),
        ("材料.docx", b"PK\x03\x04" + b"0" * 10),
        ("材料.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 10),
        ("说明.txt", "事迹材料".encode("gb18030")),
    ],
)
def test_documents_and_images_are_accepted(name, content):
    validate_attachment(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("evidence.exe", b"MZ" + b"0" * 10),
        ("evidence.pdf", b"MZ" + b"0" * 10),  # an executable renamed
        ("page.html", b"<script>alert(1)</script>"),
        ("page.svg", b"<svg onload=alert(1)>"),
        ("empty.pdf", b""),
        ("noextension", PDF),
        ("bin.txt", b"a\x00b"),
    ],
)
def test_anything_else_is_refused(name, content):
    with pytest.raises(ValidationError):
        validate_attachment(SimpleUploadedFile(name, content))


def test_the_size_is_capped(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as info:
        validate_attachment(SimpleUploadedFile("big.pdf", PDF + b"0" * 1024))
    assert "MB" in str(info.value)


def _cycle(org):
    prov = org.users.prov
    rule = Rule.objects.get(code="honour-master-craftsman")
    cycle = award_services.open_cycle(actor=prov, scope=Scope(prov), rule=rule, year=timezone.localdate().year)
    return cycle, Allocation.objects.create(cycle=cycle, union=org.harbin, quota=5)


def test_nomination_materials_refuse_an_exe_and_are_served_as_a_download(org, policy, as_user):
    cycle, allocation = _cycle(org)
    client = as_user(org.users.alice)
    data = {"allocation": allocation.pk, "worker": org.harbin_worker.pk, "statement": "事迹突出"}
    exe = SimpleUploadedFile("evidence.exe", b"MZ" + b"\x90" * 4096)
    page = client.post(f"/awards/honours/{cycle.pk}/nominate/", {**data, "materials": exe})
    assert page.status_code == 200 and "evidence.exe" in page.content.decode()
    assert not Nomination.objects.exists()

    response = client.post(
        f"/awards/honours/{cycle.pk}/nominate/", {**data, "materials": SimpleUploadedFile("证明.pdf", PDF)}
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert os.stat(nomination.materials.path).st_mode & 0o777 == 0o600
    download = client.get(f"/awards/nominations/{nomination.pk}/materials/")
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    download.close()


def test_policy_attachments_refuse_an_exe_and_are_served_as_a_download(org, policy, as_user):
    document = PolicyDocument.objects.first()
    client = as_user(org.users.prov)
    client.post(f"/policy/documents/{document.pk}/attachments/", {"file": SimpleUploadedFile("x.exe", b"MZ" * 100)})
    assert not Attachment.objects.filter(name="x.exe").exists()
    client.post(f"/policy/documents/{document.pk}/attachments/", {"file": SimpleUploadedFile("文件.pdf", PDF)})
    attachment = Attachment.objects.get(name="文件.pdf")
    download = client.get(f"/policy/attachments/{attachment.pk}/")
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    download.close()
