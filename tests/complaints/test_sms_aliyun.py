"""The Alibaba Cloud SMS adapter (dysmsapi SendSms) against a local HTTP stub that checks each
request the way the provider documents it: the common parameters, the operation's own, and the
RPC signature (HMAC-SHA1 over the canonicalized, RFC 3986-encoded, sorted parameters, keyed with
the AccessKey secret and "&"). The stub's check is written here again from the documentation,
not borrowed from the adapter."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote

import pytest

from complaints.sms import SmsError, SmsUncertain, Text
from complaints.sms.aliyun import AliyunBackend, signature

KEY_ID, SECRET = "testid", "testsecret"


def documented_signature(secret: str, method: str, params: dict[str, str]) -> str:
    def encode(value: str) -> str:  # RFC 3986: only A-Z a-z 0-9 - _ . ~ stay as they are
        return quote(value.encode("utf-8"), safe="").replace("%7E", "~")

    query = "&".join(f"{encode(k)}={encode(params[k])}" for k in sorted(params))
    to_sign = f"{method}&{encode('/')}&{encode(query)}"
    mac = hmac.new(f"{secret}&".encode(), to_sign.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


class Stub(BaseHTTPRequestHandler):
    """dysmsapi as far as SendSms goes."""

    answer: tuple[int, dict] | None = None  # set by a test: answer this instead
    silent = False  # read the request, then close without answering
    received: list[dict[str, str]] = []
    nonces: set[str] = set()

    def log_message(self, *args) -> None:
        pass

    def _reply(self, status: int, body: dict) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
        if Stub.silent:
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        params = dict(parse_qsl(body, keep_blank_values=True, strict_parsing=True))
        Stub.received.append(params)
        if self.path != "/" or not self.headers["Content-Type"].startswith(
            "application/x-www-form-urlencoded"
        ):
            return self._reply(404, {"Code": "InvalidAction.NotFound"})
        given = params.pop("Signature", "")
        expected = {
            "Action": "SendSms",
            "Version": "2017-05-25",
            "Format": "JSON",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureVersion": "1.0",
        }
        if any(params.get(name) != value for name, value in expected.items()):
            return self._reply(400, {"Code": "MissingParameter"})
        if params.get("AccessKeyId") != KEY_ID:
            return self._reply(404, {"Code": "InvalidAccessKeyId.NotFound"})
        stamp = datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        if abs(datetime.now(UTC) - stamp) > timedelta(minutes=15):
            return self._reply(400, {"Code": "InvalidTimeStamp.Expired"})
        if params["SignatureNonce"] in Stub.nonces:
            return self._reply(400, {"Code": "SignatureNonceUsed"})
        Stub.nonces.add(params["SignatureNonce"])
        if not hmac.compare_digest(given, documented_signature(SECRET, "POST", params)):
            return self._reply(400, {"Code": "SignatureDoesNotMatch", "Message": "bad"})
        for name in ("PhoneNumbers", "SignName", "TemplateCode"):
            if not params.get(name):
                return self._reply(400, {"Code": "MissingParameter", "Message": name})
        json.loads(params["TemplateParam"])
        if Stub.answer is not None:
            return self._reply(*Stub.answer)
        self._reply(200, {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0"})


@pytest.fixture
def stub() -> Iterator[str]:
    Stub.answer, Stub.silent, Stub.received, Stub.nonces = None, False, [], set()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def backend(endpoint: str, secret: str = SECRET) -> AliyunBackend:
    return AliyunBackend(
        access_key_id=KEY_ID,
        access_key_secret=secret,
        endpoint=endpoint,
        sign_name="客户服务中心",
        timeout=2,
    )


TEXT = Text(
    to="+8613812345678",
    body="【客户服务中心】您的投诉CP-2026-000001已受理 回复T退订",
    template_code="SMS_123456789",
    params={"reference": "CP-2026-000001", "code": "AbC-d_E~fG"},
    key="acknowledgement:1",
)


def test_the_documented_example_signs_as_documented():
    """The worked example of Alibaba Cloud's signature page (DescribeRegions, GET)."""
    params = {
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z",
        "Version": "2014-05-26",
    }
    assert signature("testsecret", "GET", params) == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
    assert documented_signature("testsecret", "GET", params) == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_a_text_is_sent_signed_as_the_provider_checks_it(stub):
    assert backend(stub).send(TEXT) == "900619746936498440^0"

    [params] = Stub.received
    assert params["PhoneNumbers"] == "13812345678"  # mainland numbers without +86
    assert params["SignName"] == "客户服务中心"
    assert params["TemplateCode"] == "SMS_123456789"
    assert json.loads(params["TemplateParam"]) == {
        "reference": "CP-2026-000001",
        "code": "AbC-d_E~fG",
    }
    assert params["OutId"] == "acknowledgement:1"


def test_each_request_has_its_own_nonce(stub):
    backend(stub).send(TEXT)
    backend(stub).send(TEXT)
    assert len(Stub.nonces) == 2


def test_a_wrong_secret_is_refused_for_good(stub):
    with pytest.raises(SmsError) as refused:
        backend(stub, secret="wrong").send(TEXT)
    assert "SignatureDoesNotMatch" in str(refused.value)
    assert refused.value.retry is False


def test_throttling_and_the_providers_faults_are_tried_again(stub):
    Stub.answer = (200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控"})
    with pytest.raises(SmsError) as throttled:
        backend(stub).send(TEXT)
    assert throttled.value.retry is True

    Stub.answer = (503, {"Code": "isp.SYSTEM_ERROR"})
    with pytest.raises(SmsError) as fault:
        backend(stub).send(TEXT)
    assert fault.value.retry is True

    Stub.answer = (200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"})
    with pytest.raises(SmsError) as illegal:
        backend(stub).send(TEXT)
    assert illegal.value.retry is False


def test_no_answer_after_the_request_is_uncertain_and_no_connection_is_not(stub):
    Stub.silent = True
    with pytest.raises(SmsUncertain):
        backend(stub).send(TEXT)

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    with pytest.raises(SmsError) as unreachable:
        backend(f"http://127.0.0.1:{port}/").send(TEXT)
    assert not isinstance(unreachable.value, SmsUncertain)
    assert unreachable.value.retry is True


def test_without_credentials_nothing_is_sent(stub):
    with pytest.raises(SmsError):
        AliyunBackend(access_key_id="", access_key_secret="", endpoint=stub).send(TEXT)
    assert Stub.received == []
