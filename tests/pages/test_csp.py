"""The Content-Security-Policy header (django-csp; issue 15 §1): on every kind of page, with the
directives the README documents, a fresh nonce per response used by the one inline script, and
no inline script or style attribute left in the pages (the browser proof is
tests/browser/test_csp.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from complaints.models import State
from complaints.public_links import tracking_token

ROOT = Path(__file__).resolve().parents[2]
HEADER = "Content-Security-Policy"
EXPECTED = {
    "default-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def nonce_of(header: str) -> str:
    (nonce,) = [v for v in directives(header)["script-src"] if v.startswith("'nonce-")]
    return nonce[len("'nonce-") : -1]


@pytest.fixture
def pages(org, complaint_in, client_for) -> dict[str, tuple[Client, str]]:
    """One page of each kind: staff (queue, case, intake, reports), portal, sign-in, admin, API."""
    complaint = complaint_in(State.INVESTIGATION)
    manager = client_for(org.manager)
    anonymous = Client()
    return {
        "queue": (manager, reverse("queue", args=["all"])),
        "case": (manager, reverse("case_detail", args=[complaint.reference])),
        "intake": (manager, reverse("intake")),
        "dashboard": (manager, reverse("reports:dashboard")),
        "report": (manager, reverse("reports:report")),
        "sign-in": (anonymous, reverse("login")),
        "portal": (anonymous, reverse("public:submit")),
        "tracking": (anonymous, reverse("public:track", args=[tracking_token(complaint)])),
        "admin": (anonymous, reverse("admin:login")),
        "api docs": (anonymous, reverse("api-docs")),
        "api": (manager, reverse("api-me")),
    }


def test_every_kind_of_page_carries_the_policy(pages):
    for name, (client, address) in pages.items():
        response = client.get(address)
        assert response.status_code == 200, name
        policy = directives(response[HEADER])
        for directive, values in EXPECTED.items():
            assert policy[directive] == values, (name, directive, policy[directive])
        # Scripts from this site, or an inline one bearing this response's nonce; never
        # 'unsafe-inline' or 'unsafe-eval'
        script_src = policy["script-src"]
        assert script_src[0] == "'self'", name
        assert all(v == "'self'" or v.startswith("'nonce-") for v in script_src), script_src


def test_the_nonce_is_new_for_every_response_and_only_the_inline_script_bears_it(org, client_for):
    client = client_for(org.manager)
    address = reverse("queue", args=["all"])
    first, second = client.get(address), client.get(address)

    nonces = {nonce_of(first[HEADER]), nonce_of(second[HEADER])}
    assert len(nonces) == 2
    for response in (first, second):
        nonce = nonce_of(response[HEADER])
        assert len(nonce) >= 22  # 16 random bytes, base64
        inline = [
            attributes
            for attributes in SCRIPT.findall(response.content.decode())
            if "src=" not in attributes and "application/json" not in attributes
        ]
        assert inline == [f' nonce="{nonce}"'], inline


def test_no_page_has_an_inline_script_without_nonce_an_event_handler_or_a_style_attribute(pages):
    for name, (client, address) in pages.items():
        if name == "api":
            continue
        response = client.get(address)
        html = response.content.decode()
        policy_nonce = re.search(r"'nonce-([^']+)'", response[HEADER])
        for attributes in SCRIPT.findall(html):
            if "src=" in attributes or "application/json" in attributes:
                continue
            assert policy_nonce and f'nonce="{policy_nonce.group(1)}"' in attributes, name
        assert not re.search(r"\son[a-z]+=\"", html), f"{name}: an inline event handler"
        assert not re.search(r"\shx-on[:-]", html), f"{name}: hx-on needs eval"
        assert not re.search(r"\sstyle=\"", html), f"{name}: a style attribute"
        assert "<style" not in html, f"{name}: a <style> element"


def test_the_api_docs_start_up_script_is_a_file_of_its_own(client):
    response = client.get(reverse("api-docs") + "?script=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


def _policy_in_fresh_process(env: dict[str, str]) -> dict:
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "from csp.utils import build_policy;"
        "enforced = getattr(settings, 'CONTENT_SECURITY_POLICY', None);"
        "watched = getattr(settings, 'CONTENT_SECURITY_POLICY_REPORT_ONLY', None);"
        "print(json.dumps({'enforced': enforced and build_policy(),"
        "'report_only': watched and build_policy(report_only=True)}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_CSP_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_an_operator_can_watch_the_policy_before_enforcing_it_and_collect_reports():
    default = _policy_in_fresh_process({})
    watching = _policy_in_fresh_process(
        {"DJANGO_CSP_REPORT_ONLY": "true", "DJANGO_CSP_REPORT_URI": "https://csp.example.com/r"}
    )

    assert "frame-ancestors 'none'" in default["enforced"]
    assert default["report_only"] is None
    assert "report-uri" not in default["enforced"]
    assert watching["enforced"] is None
    assert "frame-ancestors 'none'" in watching["report_only"]
    assert "report-uri https://csp.example.com/r" in watching["report_only"]
