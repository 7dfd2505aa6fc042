"""Alibaba Cloud SMS (短信服务, dysmsapi): the SendSms operation over HTTPS, signed as documented.

The RPC signature, version 1.0 (HMAC-SHA1), in the provider's words:

1. the request's parameters (the common ones and SendSms's own, not `Signature`) sorted by name,
   each name and value UTF-8 percent-encoded per RFC 3986 (A-Z a-z 0-9 - _ . ~ kept; a space is
   %20, never +; hex in upper case), joined as name=value with & (the canonicalized query);
2. StringToSign = HTTPMethod & percentEncode("/") & percentEncode(canonicalized query);
3. Signature = Base64(HMAC-SHA1(key = AccessKeySecret + "&", StringToSign)).

Sent as a POST form (the phone number stays out of URLs and proxy logs). The answer is JSON with
`Code` "OK" and a `BizId` for the text; any other code is the provider's refusal.
Standard library only: no SDK, no `requests`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import quote
from urllib.request import Request, urlopen

from django.conf import settings

from complaints.sms import BaseSmsBackend, SmsError, SmsUncertain, Text

API_VERSION = "2017-05-25"
# Refusals that may pass: too many texts to this number or from this account for now, the
# account's balance, the provider's own faults (isp.*). Anything else stays refused.
TRY_AGAIN_CODES = frozenset(
    {"isv.BUSINESS_LIMIT_CONTROL", "isv.AMOUNT_NOT_ENOUGH", "Throttling.User", "Throttling"}
)


def percent_encode(value: str) -> str:
    """RFC 3986 encoding of UTF-8 bytes, as the signature needs it."""
    return quote(value, safe="-_.~")


def canonicalized_query(params: Mapping[str, str]) -> str:
    return "&".join(
        f"{percent_encode(name)}={percent_encode(params[name])}" for name in sorted(params)
    )


def string_to_sign(method: str, params: Mapping[str, str]) -> str:
    return f"{method}&{percent_encode('/')}&{percent_encode(canonicalized_query(params))}"


def signature(secret: str, method: str, params: Mapping[str, str]) -> str:
    digest = hmac.new(
        f"{secret}&".encode(), string_to_sign(method, params).encode(), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode()


def provider_number(e164: str) -> str:
    """PhoneNumbers as SendSms takes them: mainland numbers without +86, others with their
    country code and no plus sign."""
    if e164.startswith("+86"):
        return e164[3:]
    return e164.lstrip("+")


class AliyunBackend(BaseSmsBackend):
    """COMPLAINTS_SMS_BACKEND=complaints.sms.aliyun.AliyunBackend."""

    def __init__(
        self,
        *,
        access_key_id: str | None = None,
        access_key_secret: str | None = None,
        endpoint: str | None = None,
        sign_name: str | None = None,
        timeout: float | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.access_key_id = access_key_id or settings.COMPLAINTS_SMS_ALIYUN_ACCESS_KEY_ID
        self.access_key_secret = (
            access_key_secret or settings.COMPLAINTS_SMS_ALIYUN_ACCESS_KEY_SECRET
        )
        self.endpoint = endpoint or settings.COMPLAINTS_SMS_ALIYUN_ENDPOINT
        self.sign_name = sign_name or settings.COMPLAINTS_SMS_SIGN_NAME
        self.timeout = timeout or settings.COMPLAINTS_SMS_TIMEOUT

    def request_params(
        self, text: Text, *, nonce: str | None = None, at: datetime | None = None
    ) -> dict[str, str]:
        """The signed form of a SendSms request for `text`."""
        params = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "RegionId": "cn-hangzhou",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce or uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": (at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": API_VERSION,
            "PhoneNumbers": provider_number(text.to),
            "SignName": self.sign_name,
            "TemplateCode": text.template_code,
            "TemplateParam": json.dumps(text.params, ensure_ascii=False, separators=(",", ":")),
        }
        if text.key:
            params["OutId"] = text.key
        params["Signature"] = signature(self.access_key_secret, "POST", params)
        return params

    def send(self, text: Text) -> str:
        if not (self.access_key_id and self.access_key_secret):
            raise SmsError("Aliyun SMS: no AccessKey (ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET)")
        if not text.template_code:
            raise SmsError("Aliyun SMS: no template code for this text", retry=False)
        body = canonicalized_query(self.request_params(text)).encode()
        request = Request(
            self.endpoint,
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        try:
            with urlopen(request, timeout=self.timeout) as response:
                status, raw = response.status, response.read()
        except HTTPError as error:  # an answer, with the provider's code in its body
            status, raw = error.code, error.read()
        except URLError as error:  # no connection, or the request could not be written
            raise SmsError(f"Aliyun SMS unreachable: {error.reason}") from error
        except OSError as error:  # sent, and no answer read: it may have gone
            raise SmsUncertain(f"Aliyun SMS gave no answer: {error}") from error
        return self._result(status, raw)

    @staticmethod
    def _result(status: int, raw: bytes) -> str:
        try:
            answer = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            answer = {}
        code = str(answer.get("Code", ""))
        if status == 200 and code == "OK":
            return str(answer.get("BizId", ""))
        message = f"Aliyun SMS refused ({status} {code}): {answer.get('Message', '')}"
        retry = status >= 500 or code in TRY_AGAIN_CODES or code.startswith("isp.")
        raise SmsError(message, retry=retry)
