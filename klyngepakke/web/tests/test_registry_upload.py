"""The registry import on the staff page: upload, preview, apply exactly what was
previewed (hash and plan checked), errors by line and column, 400 for a bad file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from klyngepakke.registry import uploads
from klyngepakke.registry.models import Member, RegistryUpload
from klyngepakke.registry.tests.helpers import GOOD_ROWS, HEADER, csv_text, snapshot

pytestmark = pytest.mark.django_db

UPLOAD = reverse("web:registry_upload")


@pytest.fixture
def good_csv() -> str:
    return csv_text(*GOOD_ROWS)


def post_file(client, content: bytes | str, name: str = "register.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def preview_of(client, good_csv):
    response = post_file(client, good_csv)
    assert response.status_code == 302
    upload = RegistryUpload.objects.get()
    return upload, client.get(response["Location"])


def hidden(page: str, name: str) -> str:
    marker = f'name="{name}" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def test_preview_lists_what_changes_and_changes_nothing(staff_client, good_csv):
    before = snapshot()
    upload, response = preview_of(staff_client, good_csv)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nye klynger (2)" in page
    assert "Nye medlemmer (4)" in page
    assert "soeren@laege.example" in page
    assert "Mette Lund" in page
    assert "1 medlem meldes ud" not in page  # a new member marked aktiv = nej is new, not leaving
    assert snapshot() == before
    assert hidden(page, "sha256") == upload.sha256 == uploads.sha256(good_csv.encode())


def test_apply_applies_the_preview_once_and_drops_the_file(staff_client, good_csv):
    upload, response = preview_of(staff_client, good_csv)
    page = response.content.decode()
    apply = reverse("web:registry_apply", args=[upload.pk])
    done = staff_client.post(apply, {"sha256": hidden(page, "sha256"), "plan": hidden(page, "plan")}, follow=True)
    assert "register.csv er indlæst: 4 nye og 0 ændrede medlemmer." in done.content.decode()
    assert Member.objects.count() == 4
    upload.refresh_from_db()
    assert upload.applied_at is not None
    assert bytes(upload.data) == b""
    assert upload.summary["members"]["created"] == 4
    again = staff_client.post(apply, {"sha256": hidden(page, "sha256"), "plan": hidden(page, "plan")})
    assert again.status_code == 409
    assert "allerede indlæst" in again.content.decode()


def test_apply_with_another_hash_is_refused(staff_client, good_csv):
    upload, response = preview_of(staff_client, good_csv)
    page = response.content.decode()
    other = uploads.sha256(b"en anden fil")
    refused = staff_client.post(
        reverse("web:registry_apply", args=[upload.pk]), {"sha256": other, "plan": hidden(page, "plan")}
    )
    assert refused.status_code == 409
    assert "Filen er ikke den, forhåndsvisningen viste" in refused.content.decode()
    assert not Member.objects.exists()


def test_a_stored_file_that_changed_is_refused(staff_client, good_csv):
    upload, response = preview_of(staff_client, good_csv)
    page = response.content.decode()
    RegistryUpload.objects.filter(pk=upload.pk).update(data=good_csv.encode() + b"\n")
    refused = staff_client.post(
        reverse("web:registry_apply", args=[upload.pk]), {"sha256": upload.sha256, "plan": hidden(page, "plan")}
    )
    assert refused.status_code == 409
    assert not Member.objects.exists()


def test_apply_is_refused_when_the_registry_changed_since_the_preview(staff_client, good_csv):
    upload, response = preview_of(staff_client, good_csv)
    page = response.content.decode()
    uploads.import_registry(csv_text(GOOD_ROWS[0]))  # someone else imports one member meanwhile
    before = snapshot()
    refused = staff_client.post(
        reverse("web:registry_apply", args=[upload.pk]), {"sha256": upload.sha256, "plan": hidden(page, "plan")}
    )
    assert refused.status_code == 409
    assert "Registret er ændret, siden forhåndsvisningen blev vist" in refused.content.decode()
    assert snapshot() == before
    assert "Nye medlemmer (3)" in refused.content.decode()  # the current plan, to look at again


def test_a_bad_file_is_400_with_every_error_by_line_and_column(staff_client):
    bad = csv_text(
        "syddanmark;vestfyn;Klynge Vestfyn;vf-01;Lægehuset;kompagniskab;to;Søren;soeren@laege.example;;",
        "syddanmark;vestfyn;Klynge Vestfyn;vf-01;Lægehuset;kompagniskab;2;Åse;aase@;;",
    )
    response = post_file(staff_client, bad)
    page = response.content.decode()
    assert response.status_code == 400
    assert "register.csv:2: antal_laeger: skal være et helt tal, ikke &#x27;to&#x27;" in page
    assert "register.csv:3: email: ugyldig e-mailadresse &#x27;aase@&#x27;" in page
    assert not RegistryUpload.objects.exists()
    assert not Member.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "tom.csv", "Filen er tom."),
        (b"PK\x03\x04binary", "register.xlsx", "filen er et regneark, ikke CSV"),
        ("region;klynge_kode\nsyddanmark;x\n".encode("cp1252"), "register.csv", "kolonnen mangler i overskriften"),
        (HEADER.encode("cp1252") + "\nsyddanmark;ø".encode("cp1252"), "register.csv", "er ikke gyldig UTF-8"),
        (b"\x00\xff\xfe" * 10, "register.csv", "er ikke gyldig UTF-8"),
    ],
)
def test_bad_files_are_400_never_500(staff_client, content, name, message):
    response = post_file(staff_client, content, name)
    assert response.status_code == 400
    assert message.replace("'", "&#x27;") in response.content.decode()


def test_no_file_and_a_too_large_file_are_400(staff_client, monkeypatch, good_csv):
    missing = staff_client.post(UPLOAD, {})
    assert missing.status_code == 400
    assert "Vælg registerfilen." in missing.content.decode()
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 100)
    response = post_file(staff_client, good_csv)
    assert response.status_code == 400
    assert "Filen er for stor" in response.content.decode()
    assert not RegistryUpload.objects.exists()


def test_only_verified_staff_reach_the_import(coordinator_client, unverified_staff_client, staff_client, good_csv):
    upload, _ = preview_of(staff_client, good_csv)
    coordinator = coordinator_client()
    for url in (UPLOAD, reverse("web:registry_preview", args=[upload.pk])):
        assert coordinator.get(url).status_code == 403
        assert unverified_staff_client.get(url).status_code == 302
    apply = reverse("web:registry_apply", args=[upload.pk])
    assert coordinator.post(apply, {"sha256": upload.sha256}).status_code == 403
    assert post_file(coordinator, good_csv).status_code == 403
    assert not Member.objects.exists()
    assert staff_client.get(reverse("web:registry_preview", args=[upload.pk + 99])).status_code == 404


def test_a_malformed_upload_request_is_400(staff_client):
    response = staff_client.post(
        UPLOAD,
        data=b'--xyz\r\nContent-Disposition: form-data; name="file"',
        content_type="multipart/form-data; boundary=xyz",
    )
    assert response.status_code == 400
    assert not RegistryUpload.objects.exists()
