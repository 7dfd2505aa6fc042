"""Evidence on the case page: uploads with their refusals, and downloads only for those in scope."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import EvidenceFile, State
from complaints.services import evidence_add
from tests.complaints.test_evidence import ELF, PDF
from tests.pages.conftest_case import case_url, page_fixture, png_bytes  # noqa: F401

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def photo(name: str = "damage.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def add(complaint, org, upload, kind="photo") -> EvidenceFile:
    return evidence_add(complaint=complaint, actor=org.handler, kind=kind, upload=upload)


def test_an_uploaded_photo_is_shown_as_a_thumbnail_through_the_checked_view(
    page, org, complaint_in
):
    complaint = complaint_in(State.INVESTIGATION)

    response = page.client(org.handler).post(
        case_url(complaint, "case_evidence"),
        {"kind": "photo", "files": [photo()], "description": "外壳凹陷"},
    )

    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    html = text(page.get(org.handler, complaint))
    file_url = case_url(complaint, "case_evidence_file", evidence.pk)
    assert f'src="{file_url}?inline=1"' in html
    assert "/media/" not in html
    assert "1 file added." in html


def test_several_files_at_once_and_the_refused_one_is_named(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)
    program = SimpleUploadedFile("report.pdf", ELF, content_type="application/pdf")

    page.client(org.handler).post(
        case_url(complaint, "case_evidence"), {"kind": "photo", "files": [photo(), program]}
    )

    assert EvidenceFile.objects.count() == 1
    html = text(page.get(org.handler, complaint))
    assert "“report.pdf” was not added" in html
    assert "1 file added." in html


def test_a_single_refused_file_comes_back_on_the_form(page, org, complaint_in, settings):
    settings.COMPLAINTS_EVIDENCE_MAX_BYTES = 10
    complaint = complaint_in(State.INVESTIGATION)

    response = page.client(org.handler).post(
        case_url(complaint, "case_evidence"),
        {"kind": "receipt", "files": [photo()], "description": "发票"},
    )

    assert response.status_code == 422
    form = response.context["evidence_form"]
    assert "the limit is 10\xa0bytes" in form.errors["files"][0]
    assert form["kind"].value() == "receipt"
    assert form["description"].value() == "发票"
    assert "Choose the files again" in text(response)
    assert not EvidenceFile.objects.exists()


def test_a_text_file_named_like_a_photo_is_refused_as_a_photo(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)
    fake = SimpleUploadedFile("damage.jpg", "空调外壳凹陷".encode(), content_type="image/jpeg")

    response = page.client(org.handler).post(
        case_url(complaint, "case_evidence"), {"kind": "photo", "files": [fake]}
    )

    assert response.status_code == 422
    form = response.context["evidence_form"]
    assert "This file is a plain-text file, not a photo." in form.errors["files"][0]
    assert "This file is a plain-text file, not a photo." in text(response)
    assert not EvidenceFile.objects.exists()


def test_no_file_chosen_is_marked(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)

    response = page.client(org.handler).post(
        case_url(complaint, "case_evidence"), {"kind": "photo"}
    )

    assert response.status_code == 422
    assert "files" in response.context["evidence_form"].errors


def test_an_image_is_served_inline_and_a_pdf_as_a_download(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)
    image = add(complaint, org, photo())
    pdf = add(complaint, org, SimpleUploadedFile("invoice.pdf", PDF), kind="receipt")
    client = page.client(org.handler)

    shown = client.get(case_url(complaint, "case_evidence_file", image.pk) + "?inline=1")
    downloaded = client.get(case_url(complaint, "case_evidence_file", pdf.pk) + "?inline=1")

    assert shown.status_code == 200
    assert shown["Content-Type"] == "image/png"
    assert shown["Content-Disposition"].startswith("inline")
    assert b"".join(shown.streaming_content) == png_bytes()
    assert downloaded["Content-Disposition"].startswith("attachment")
    assert 'filename="invoice.pdf"' in downloaded["Content-Disposition"]
    assert downloaded["X-Content-Type-Options"] == "nosniff"


def test_someone_who_cannot_see_the_case_gets_404_for_its_files(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)
    image = add(complaint, org, photo())
    url = case_url(complaint, "case_evidence_file", image.pk)

    assert page.client(org.other_handler).get(url + "?inline=1").status_code == 404
    assert page.client(org.handler).get(url).status_code == 200


def test_a_file_of_another_case_is_404(page, org, complaint_in):
    complaint, other = complaint_in(State.INVESTIGATION), complaint_in(State.INVESTIGATION)
    image = add(other, org, photo())

    response = page.client(org.handler).get(case_url(complaint, "case_evidence_file", image.pk))

    assert response.status_code == 404


def test_signed_out_visitors_cannot_download(client_for, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)
    image = add(complaint, org, photo())

    response = client_for(None).get(case_url(complaint, "case_evidence_file", image.pk))

    assert response.status_code == 302


def test_evidence_cannot_be_added_to_a_finished_case(page, org, complaint_in):
    complaint = complaint_in(State.CLOSED)

    html = text(page.get(org.manager, complaint))
    response = page.client(org.manager).post(
        case_url(complaint, "case_evidence"), {"kind": "photo", "files": [photo()]}
    )

    assert 'data-testid="evidence-panel"' not in html
    assert response.status_code == 422
    assert "Evidence can only be added while the complaint is open." in text(response)
    assert not EvidenceFile.objects.exists()


def test_an_auditor_may_not_upload(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)

    response = page.client(org.auditor).post(
        case_url(complaint, "case_evidence"), {"kind": "photo", "files": [photo()]}
    )

    assert response.status_code == 403
    assert not EvidenceFile.objects.exists()
