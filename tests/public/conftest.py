"""The customers' complaint form, as a browser sends it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.forms.public import new_submission_key
from complaints.services.public_intake import PRIVACY_NOTICE_VERSION
from tests.complaints.test_evidence import PDF, png_bytes

SUBMIT_URL = "/complaint/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # django-ratelimit counts in the cache; each test starts with empty buckets.
    cache.clear()
    yield
    cache.clear()


def photo(name: str = "空调.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf(name: str = "发票.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def form_data(**overrides) -> dict:
    """What a customer filling in every field sends (overrides replace or add fields)."""
    data = {
        "submission_key": new_submission_key(),
        "notice_version": PRIVACY_NOTICE_VERSION,
        "website": "",
        "customer_name": "李女士",
        "customer_phone": "139 1234 5678",
        "customer_email": "Li.Na@Example.com",
        "region": "上海市",
        "category": "",
        "product_or_service": "KFR-35GW 空调",
        "order_ref": "JD-20261201-778",
        "description": "安装后第二天就漏水，地板被泡坏了。\n师傅说是管路问题，但一直没人来修。",
        "remedy_sought": "repair",
        "expected_resolution": "尽快上门维修，并赔偿地板损失。",
        "amount_claimed": "800.00",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def submit(client):
    """POST the form as the customer's browser does; returns the response (not followed)."""

    def send(*, follow: bool = False, **overrides):
        return client.post(SUBMIT_URL, form_data(**overrides), follow=follow)

    return send


def submitted_path(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    location = response["Location"]
    assert location.startswith(reverse("public:submit") + "submitted/")
    return location
