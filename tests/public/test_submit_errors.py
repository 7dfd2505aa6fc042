"""A complaint form sent back: every field's errors in the reader's language, what was typed kept,
files listed to attach again, and nothing recorded (issue 13 §6)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import Complaint, Customer, EvidenceFile, PublicSubmission
from tests.public.conftest import SUBMIT_URL, form_data, pdf, photo, submitted_path

pytestmark = pytest.mark.django_db


def errors_of(response) -> dict[str, list[str]]:
    return {
        name: [str(e) for e in errors] for name, errors in response.context["form"].errors.items()
    }


def nothing_recorded() -> bool:
    return not (
        Complaint.objects.exists()
        or Customer.objects.exists()
        or EvidenceFile.objects.exists()
        or PublicSubmission.objects.exists()
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"customer_name": "  "}, "customer_name", "请输入您的姓名。"),
        ({"customer_name": "名" * 101}, "customer_name", "101"),
        (
            {"customer_phone": "", "customer_email": ""},
            "customer_phone",
            "请至少填写电话或电子邮箱",
        ),
        ({"customer_phone": "12"}, "customer_phone", "不是有效的电话号码。"),
        ({"customer_phone": "call me maybe"}, "customer_phone", "不是有效的电话号码。"),
        ({"customer_email": "li.na@"}, "customer_email", "合法的邮件地址"),
        ({"description": "   "}, "description", "请说明发生了什么。"),
        ({"description": "很" * 5001}, "description", "5001"),
        ({"remedy_sought": ""}, "remedy_sought", "请选择您希望我们怎么处理。"),
        ({"remedy_sought": "free-car"}, "remedy_sought", "free-car"),
        ({"amount_claimed": "-5"}, "amount_claimed", "0"),
        ({"amount_claimed": "八百"}, "amount_claimed", "数"),
        ({"amount_claimed": "1.234"}, "amount_claimed", "2"),
        ({"category": "999999"}, "category", "选择"),
        ({"region": "区" * 101}, "region", "101"),
        ({"order_ref": "X" * 101}, "order_ref", "101"),
        ({"consent": None}, "consent", "请同意个人信息处理说明"),
        ({"notice_version": "2020-01"}, "consent", "个人信息处理说明已更新"),
    ],
)
def test_each_field_says_what_is_wrong_and_keeps_what_was_typed(client, overrides, field, message):
    response = client.post(SUBMIT_URL, form_data(**overrides))

    assert response.status_code == 422
    errors = errors_of(response)
    assert field in errors, errors
    assert any(message in error for error in errors[field]), errors[field]
    assert nothing_recorded()
    page = response.content.decode()
    assert 'data-testid="error-summary"' in page
    # What was typed comes back, the bad value included.
    assert "JD-20261201-778" in page or field == "order_ref"
    assert "安装后第二天就漏水" in page or field == "description"
    form = response.context["form"]
    assert form["submission_key"].value() == form.data["submission_key"]


def test_every_problem_is_told_at_once(client):
    response = client.post(
        SUBMIT_URL,
        form_data(
            customer_name="",
            customer_phone="",
            customer_email="not-an-address",
            description="",
            remedy_sought="",
            amount_claimed="abc",
            consent=None,
        ),
    )

    assert response.status_code == 422
    assert set(errors_of(response)) >= {
        "customer_name",
        "customer_email",
        "description",
        "remedy_sought",
        "amount_claimed",
        "consent",
    }
    assert nothing_recorded()


def test_errors_are_in_english_for_an_english_reader(client):
    client.cookies["django_language"] = "en"
    response = client.post(SUBMIT_URL, form_data(customer_phone="12", consent=None))

    errors = errors_of(response)
    assert errors["customer_phone"] == ["Not a phone number."]
    assert errors["consent"] == [
        "Agree to the privacy notice so that we can handle your complaint."
    ]


def test_a_valid_form_with_a_missing_key_is_refused_not_recorded(client):
    response = client.post(SUBMIT_URL, form_data(submission_key=""))
    assert response.status_code == 422
    assert "表单已失效" in response.content.decode()
    assert nothing_recorded()


# --- files --------------------------------------------------------------------------------------


def html_as_jpg() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "receipt.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (html_as_jpg, "只能上传照片、PDF 文件或视频。"),
        (lambda: SimpleUploadedFile("empty.png", b"", content_type="image/png"), "空"),
        (lambda: SimpleUploadedFile("notes.txt", "纯文本".encode(), "text/plain"), "只能上传照片"),
        (lambda: SimpleUploadedFile("a.exe", b"MZ\x90\x00" + b"\0" * 60), "不接受"),
    ],
)
def test_a_bad_file_is_named_and_nothing_is_recorded(client, upload, message):
    bad = upload()
    response = client.post(SUBMIT_URL, form_data(evidence_files=[photo(), bad]))

    assert response.status_code == 422
    [error] = errors_of(response)["evidence_files"]
    assert error.startswith(f"{bad.name}: ")
    assert message in error
    assert nothing_recorded()
    # Neither file can be put back in the page: both are listed to attach again.
    page = response.content.decode()
    assert 'data-testid="attach-again"' in page
    assert "空调.png" in page and bad.name in page


def test_an_oversized_file_is_refused_with_the_limit(client, settings):
    settings.COMPLAINTS_EVIDENCE_MAX_BYTES = 50
    response = client.post(SUBMIT_URL, form_data(evidence_files=[photo("big.png")]))

    assert response.status_code == 422
    [error] = errors_of(response)["evidence_files"]
    assert error.startswith("big.png: ") and "50\xa0字节" in error
    assert nothing_recorded()


def test_too_many_files_are_refused(client, settings):
    settings.COMPLAINTS_PUBLIC_MAX_FILES = 2
    response = client.post(
        SUBMIT_URL, form_data(evidence_files=[photo("1.png"), photo("2.png"), pdf()])
    )
    assert response.status_code == 422
    assert "最多上传 2 个文件。" in errors_of(response)["evidence_files"]
    assert nothing_recorded()


def test_other_errors_ask_to_attach_the_good_files_again(client):
    response = client.post(SUBMIT_URL, form_data(customer_name="", evidence_files=[photo()]))

    assert response.status_code == 422
    page = response.content.decode()
    assert "请重新添加附件" in page and "空调.png" in page
    assert "evidence_files" not in errors_of(response)


def test_a_request_over_the_size_limit_is_answered_before_it_is_read(client, settings):
    settings.COMPLAINTS_PUBLIC_MAX_REQUEST_BYTES = 500
    response = client.post(SUBMIT_URL, form_data(evidence_files=[photo(), pdf()]))

    assert response.status_code == 413
    page = response.content.decode()
    assert 'data-testid="too-large"' in page and "500\xa0字节" in page
    assert nothing_recorded()
    # A fresh form to fill in again, with a new key.
    assert response.context["form"]["submission_key"].value()


def test_a_form_within_the_limit_is_read(client, settings):
    settings.COMPLAINTS_PUBLIC_MAX_REQUEST_BYTES = 100_000
    submitted_path(client.post(SUBMIT_URL, form_data(evidence_files=[photo()])))
