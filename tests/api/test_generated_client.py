"""The API as an integrator meets it (issue 17 §5): the served schema is valid OpenAPI, the same
whatever the Accept-Language; a client generated from it by openapi-python-client passes ruff,
imports, and drives a short life cycle against the live server (sign in, create, transition,
read), with the response headers the schema declares."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate

from complaints.models import Complaint, State

PACKAGE = "complaints_api_client"
BIN = Path(sys.executable).parent


def _schema(url: str, language: str) -> dict[str, Any]:
    response = httpx.get(
        f"{url}/api/schema/", params={"format": "json"}, headers={"Accept-Language": language}
    )
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def client_package(live_server, tmp_path: Path) -> Iterator[ModuleType]:
    """The client generated from the live schema (offline: from a file), imported from tmp_path."""
    schema = _schema(live_server.url, "zh-hans")
    assert schema == _schema(live_server.url, "en"), "the schema follows Accept-Language"
    validate(schema)  # openapi-spec-validator: raises on an invalid document

    document = tmp_path / "schema.json"
    document.write_text(json.dumps(schema), encoding="utf-8")
    ruff = BIN / "ruff"
    # The generator's own clean-up, with this environment's ruff and without the project's rules.
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps(
            {
                "package_name_override": PACKAGE,
                "post_hooks": [
                    f"{ruff} check --isolated --fix-only --quiet .",
                    f"{ruff} format --isolated --quiet .",
                ],
            }
        ),
        encoding="utf-8",
    )
    output = tmp_path / PACKAGE
    generated = subprocess.run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(document),
            "--config",
            str(config),
            "--meta",
            "none",
            "--output-path",
            str(output),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    # What fix-only cannot fix (an undefined name, say) fails here.
    checked = subprocess.run(
        [str(ruff), "check", "--isolated", "--quiet", str(output)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr

    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_signs_in_creates_moves_and_reads_a_complaint(
    org, live_server, client_package
):
    def load(module: str) -> Any:
        return importlib.import_module(f"{PACKAGE}.{module}")

    client_module = load("client")
    models = load("models")
    token_create = load("api.auth.auth_token_create")
    complaints_create = load("api.complaints.complaints_create")
    transitions_perform = load("api.complaints.complaints_transitions_perform")
    complaints_retrieve = load("api.complaints.complaints_retrieve")

    anonymous = client_module.Client(base_url=live_server.url, headers={"Accept-Language": "en"})
    token = token_create.sync(
        client=anonymous, body=models.TokenInputRequest(username="agent", password="demo1234")
    )
    assert isinstance(token, models.Token)
    client = client_module.AuthenticatedClient(
        base_url=live_server.url,
        token=token.token,
        prefix="Token",
        headers={"Accept-Language": "en"},
    )

    created = complaints_create.sync_detailed(
        client=client,
        body=models.ComplaintCreateRequest(
            customer=models.CustomerInputRequest(name="王先生", phone="13812345678"),
            subject="空调维修后仍不制冷",
            description="上周维修过的空调再次不制冷。",
            category="repair-quality",
        ),
        idempotency_key="generated-client-1",
    )
    assert created.status_code == 201, created.content
    reference = created.parsed.reference
    assert created.headers["Location"] == f"/api/v1/complaints/{reference}/"

    moved = transitions_perform.sync_detailed(
        reference=reference,
        name=models.ComplaintsTransitionsPerformName("start_triage"),
        client=client,
        body=models.TransitionInputRequest(version=created.parsed.version),
    )
    assert moved.status_code == 200, moved.content
    assert moved.parsed.state == models.ComplaintStateEnum.TRIAGE

    read = complaints_retrieve.sync_detailed(reference=reference, client=client)
    assert read.status_code == 200
    assert read.parsed.state == models.ComplaintStateEnum.TRIAGE
    assert read.headers["ETag"] == f'"{read.parsed.version}"'
    assert Complaint.objects.get(reference=reference).state == State.TRIAGE

    # Errors arrive as the typed Error body, and so does a path that matches no route.
    missing = complaints_retrieve.sync_detailed(reference="CP-0000-000000", client=client)
    assert missing.status_code == 404
    assert isinstance(missing.parsed, models.Error)
    assert missing.parsed.error.code == "not_found"
    stray = httpx.get(f"{live_server.url}/api/v1/complaints/CP/2026/")
    assert stray.status_code == 404
    assert stray.json()["error"]["code"] == "not_found"
