"""Rate limits of the tracking and survey pages: per client address, counted in the cache."""

from __future__ import annotations

import pytest

from tests.public.tracking.conftest import PHONE, survey_url, track_url

pytestmark = pytest.mark.django_db

RATES = {
    "public-submit": "10/h",
    "public-submit-contact": "5/h",
    "public-track": "3/h",
    "public-track-lookup": "2/h",
    "public-survey": "2/h",
}


@pytest.fixture(autouse=True)
def _low_rates(settings):
    settings.COMPLAINTS_PUBLIC_RATES = RATES


def test_lookups_are_limited_per_address(client, customer_case):
    complaint = customer_case("triage")
    for _attempt in range(2):
        assert (
            client.post("/complaint/track/", {"reference": "CP-1", "contact": PHONE}).status_code
            == 200
        )

    refused = client.post("/complaint/track/", {"reference": complaint.reference, "contact": PHONE})

    assert refused.status_code == 429
    assert 'data-testid="rate-limited"' in refused.content.decode()
    # Another address is not held up.
    other = client.post(
        "/complaint/track/",
        {"reference": complaint.reference, "contact": PHONE},
        REMOTE_ADDR="198.51.100.7",
    )
    assert other.status_code == 302


def test_lookups_of_one_reference_are_limited_from_any_address(client, customer_case):
    complaint = customer_case("triage")
    for number in range(2):
        client.post(
            "/complaint/track/",
            {"reference": complaint.reference, "contact": "13900000000"},
            REMOTE_ADDR=f"203.0.113.{number}",
        )

    refused = client.post(
        "/complaint/track/",
        {"reference": complaint.reference, "contact": PHONE},
        REMOTE_ADDR="203.0.113.99",
    )

    assert refused.status_code == 429


def test_the_lookup_form_itself_is_not_counted(client):
    for _attempt in range(5):
        assert client.get("/complaint/track/").status_code == 200


def test_resend_requests_count_with_lookups(client):
    for _attempt in range(2):
        assert client.post("/complaint/track/resend/", {"token": "x"}).status_code == 200

    assert client.post("/complaint/track/resend/", {"token": "x"}).status_code == 429


def test_the_tracking_page_is_limited(client, customer_case):
    complaint = customer_case("triage")
    url = track_url(complaint)
    for _attempt in range(3):
        assert client.get(url).status_code == 200

    assert client.get(url).status_code == 429


def test_survey_answers_are_limited(client, customer_case):
    complaint = customer_case("follow_up")
    url = survey_url(complaint)
    for _attempt in range(2):
        client.post(url, {"satisfaction": "9"})

    refused = client.post(url, {"satisfaction": "5", "resolved": "yes"})

    assert refused.status_code == 429
    assert client.get(url).status_code == 200  # reading the survey is not counted


def test_the_limit_page_answers_in_chinese(client, customer_case):
    client.cookies["django_language"] = "zh-hans"
    for _attempt in range(3):
        client.post("/complaint/track/resend/", {"token": "x"})

    refused = client.post("/complaint/track/resend/", {"token": "x"})

    assert refused.status_code == 429
    assert "请求过于频繁" in refused.content.decode()


def test_one_tracking_link_is_limited_from_any_address(client, customer_case):
    complaint = customer_case("triage")
    url = track_url(complaint)
    for n in range(3):
        assert client.get(url, REMOTE_ADDR=f"198.51.100.{n}").status_code == 200

    assert client.get(url, REMOTE_ADDR="198.51.100.99").status_code == 429
    # Another case's link from that same new address is not held back.
    other = customer_case("triage", customer_phone="13900001111")
    assert client.get(track_url(other), REMOTE_ADDR="198.51.100.99").status_code == 200


def test_one_survey_link_is_limited_from_any_address(client, customer_case):
    complaint = customer_case("follow_up")
    url = survey_url(complaint)
    for n in range(2):
        client.post(url, {"satisfaction": "9"}, REMOTE_ADDR=f"203.0.113.{n}")

    refused = client.post(url, {"satisfaction": "5"}, REMOTE_ADDR="203.0.113.50")

    assert refused.status_code == 429
