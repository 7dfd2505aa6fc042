"""Signed customer links and the client address the public pages' rate limits count by."""

from __future__ import annotations

import pytest
import time_machine
from django.core import signing
from django.test import RequestFactory, override_settings

from accounts.client_address import client_ip
from complaints.public_links import (
    LinkExpired,
    LinkInvalid,
    read_survey_token,
    read_tracking_token,
    survey_token,
    tracking_token,
)
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def test_a_tracking_link_names_the_case_by_its_public_token_only():
    complaint = ComplaintFactory()
    token = tracking_token(complaint)
    assert read_tracking_token(token) == complaint.public_token
    assert complaint.reference not in token
    assert str(complaint.pk) != token


def test_a_tampered_link_is_refused():
    token = tracking_token(ComplaintFactory())
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with pytest.raises(LinkInvalid):
        read_tracking_token(tampered)
    with pytest.raises(LinkInvalid):
        read_tracking_token("not-a-token")


def test_a_link_for_one_purpose_does_not_open_another():
    complaint = ComplaintFactory()
    with pytest.raises(LinkInvalid):
        read_survey_token(tracking_token(complaint))
    with pytest.raises(LinkInvalid):
        read_tracking_token(survey_token(complaint))


def test_a_signed_value_of_the_wrong_shape_is_refused():
    token = signing.dumps(["x"], salt="complaints.public.tracking")
    with pytest.raises(LinkInvalid):
        read_tracking_token(token)


@override_settings(COMPLAINTS_PUBLIC_LINK_MAX_AGE_DAYS=30)
def test_links_expire_after_the_configured_days():
    complaint = ComplaintFactory()
    with time_machine.travel("2026-01-01 09:00:00+08:00", tick=False):
        token = tracking_token(complaint)
    with time_machine.travel("2026-01-30 09:00:00+08:00", tick=False):
        assert read_tracking_token(token) == complaint.public_token
    with time_machine.travel("2026-02-01 09:00:00+08:00", tick=False), pytest.raises(LinkExpired):
        read_tracking_token(token)


def test_the_survey_link_carries_the_handling_round():
    complaint = ComplaintFactory(reopen_count=1)
    link = read_survey_token(survey_token(complaint))
    assert (link.public_token, link.handling_round) == (complaint.public_token, 1)


@override_settings(COMPLAINTS_TRUSTED_PROXY_HEADER="")
def test_without_a_trusted_proxy_a_forwarded_header_is_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "203.0.113.9"


@override_settings(COMPLAINTS_TRUSTED_PROXY_HEADER="HTTP_X_FORWARDED_FOR")
def test_behind_the_trusted_proxy_the_address_it_appended_counts():
    # The client forged the first entry; the proxy appended the address it saw.
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7"
    )
    assert client_ip(request) == "198.51.100.7"
    garbage = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>")
    assert client_ip(garbage) == "10.0.0.2"
