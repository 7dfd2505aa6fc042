"""Report snapshots and anonymisation (issue 15, §3): a snapshot is kept without end, the people it
names are not. Once a repeat complainant is anonymised, by the retention job or on their request,
their name and contacts (and the root causes written on their cases) are found nowhere in any
snapshot (its stored JSON, its page, its XLSX in either language, its e-mails and their
attachments), and every figure reads as before."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from complaints.models import Customer, RightsRequest
from complaints.services.rights import rights_erase, rights_request_record
from complaints.tasks import anonymise_expired_cases_task
from reports.domain import month_period, periods_at
from reports.models import ReportSnapshot, ReportSnapshotEmail
from reports.selectors.recurring import repeat_complainants
from reports.selectors.scope import ReportScope
from reports.services.snapshots import (
    snapshot_build,
    snapshot_document,
    snapshot_emails_prepare,
    snapshot_send,
)
from tests.complaints.privacy_cases import MARK, MARK_PHONE, worked_case

pytestmark = pytest.mark.django_db

EMAIL = "zebraquagga.wang@example.com"
# What could name the person: their name (MARK is in it), phone, e-mail and address.
TRACES = (MARK, MARK.lower(), MARK_PHONE, EMAIL, "1234 5678")
PLACEHOLDER = {"en": "Anonymised", "zh-hans": "已匿名化"}


def rows(document: dict, table_id: str = "repeat") -> list[list]:
    tables = [t for s in document["sections"] for t in s["tables"] if t["id"] == table_id]
    return tables[0]["rows"]


def figures_without_names(document: dict) -> str:
    """Every figure of the document (the repeat complainants' names and the root causes' texts
    left out), as text."""
    kept = json.loads(json.dumps(document))
    for row in rows(kept) + rows(kept, "root-causes"):
        row[0] = "-"
    return json.dumps(kept, sort_keys=True)


def xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )


def traces_in(text: str) -> list[str]:
    return [trace for trace in TRACES if trace in text]


@pytest.fixture
def repeat_snapshot(org, flow, new_complaint, settings, request):
    """This month's snapshot naming one repeat complainant (two cases, closed long ago or
    recently: `request.param` days) and another customer who keeps their name; its e-mails
    written (in Chinese for the manager, English for the executive) but not yet sent."""
    settings.REPORTS_REPEAT_MIN_COMPLAINTS = 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    org.manager.email, org.manager.language = "manager@example.com", "zh-hans"
    org.manager.save()
    org.executive.email, org.executive.language = "executive@example.com", "en"
    org.executive.save()
    ended = request.param
    for seed in (1, 2):
        worked_case(org, flow, new_complaint, seed=seed, email=EMAIL, ended_days_ago=ended)
    for _ in range(2):
        new_complaint(customer_name="李女士", customer_phone="13900001111")
    today = timezone.localdate()
    snapshot, created = snapshot_build(period=month_period(today.year, today.month))
    assert created
    snapshot_emails_prepare(snapshot_id=snapshot.pk)
    return snapshot


def read_everything(org, client_for, snapshot: ReportSnapshot) -> dict[str, str]:
    """Every way a snapshot is read: its stored row, the service's document, its page, its XLSX
    (each language), its e-mail rows and the e-mails sent."""
    read = {"stored": json.dumps(ReportSnapshot.objects.get(pk=snapshot.pk).figures)}
    for language in ("en", "zh-hans"):
        client = client_for(org.manager, language=language)
        read[f"document {language}"] = json.dumps(
            snapshot_document(ReportSnapshot.objects.get(pk=snapshot.pk), language),
            ensure_ascii=False,
        )
        page = client.get(reverse("reports:snapshot", args=[snapshot.pk]))
        assert page.status_code == 200
        read[f"page {language}"] = page.content.decode()
        download = client.get(reverse("reports:snapshot-xlsx", args=[snapshot.pk]))
        assert download.status_code == 200 and download["Cache-Control"] == "no-store"
        assert download["Content-Disposition"].endswith(f'-{language}.xlsx"')
        read[f"xlsx {language}"] = xlsx_text(download.content)
    read["e-mail rows"] = json.dumps(
        list(ReportSnapshotEmail.objects.values("subject", "body", "body_html")),
        ensure_ascii=False,
    )
    for message in mail.outbox:
        read[f"mail to {message.to[0]}"] = "\n".join(
            [message.subject, message.body]
            + [str(alternative[0]) for alternative in message.alternatives]
            + [xlsx_text(content) for _name, content, _type in message.attachments]
        )
    return read


def erase(org) -> None:
    request = rights_request_record(
        actor=org.manager,
        kind="erasure",
        requester_name="王先生",
        requester_phone=MARK_PHONE,
        requester_email=EMAIL,
        identity_check=RightsRequest.IdentityCheck.ID_DOCUMENT,
    )
    rights_erase(actor=org.manager, request_id=request.pk, confirmed=True)


@pytest.mark.parametrize(
    ("repeat_snapshot", "anonymise"),
    [
        pytest.param(3 * 366, lambda org: anonymise_expired_cases_task.apply().get(), id="job"),
        pytest.param(3, erase, id="erasure"),
    ],
    indirect=["repeat_snapshot"],
)
def test_an_anonymised_complainant_is_named_nowhere_and_the_figures_stay(
    org, client_for, repeat_snapshot, anonymise
) -> None:
    snapshot = repeat_snapshot
    # The stored snapshot never held the name: ids and counts only.
    assert traces_in(json.dumps(snapshot.figures, ensure_ascii=False)) == []
    before = read_everything(org, client_for, snapshot)
    # Before: the page and the file name them (the test reads where names are).
    assert MARK in before["page en"] and MARK in before["xlsx zh-hans"]
    assert f"{MARK} 培训不足" in before["page zh-hans"]  # the root cause, as written
    figures = {
        language: figures_without_names(snapshot_document(snapshot, language))
        for language in ("en", "zh-hans")
    }

    anonymise(org)

    customer = Customer.objects.get(phone="", name="", anonymised_at__isnull=False)
    assert customer.anonymised_at is not None
    snapshot_send(snapshot_id=snapshot.pk)  # the e-mails written before go out after
    assert len(mail.outbox) == 2
    after = read_everything(org, client_for, snapshot)
    assert {where: traces_in(text) for where, text in after.items()} == {
        where: [] for where in after
    }
    for language in ("en", "zh-hans"):
        document = snapshot_document(ReportSnapshot.objects.get(pk=snapshot.pk), language)
        assert rows(document) == [[PLACEHOLDER[language], 2], ["李女士", 2]]
        # The root cause written on the anonymised cases' decisions went with them.
        assert [row[0] for row in rows(document, "root-causes")] == [PLACEHOLDER[language]]
        assert figures_without_names(document) == figures[language]
        assert PLACEHOLDER[language] in after[f"xlsx {language}"]
        assert "李女士" in after[f"page {language}"]
    assert after["stored"] == before["stored"]  # the snapshot itself is untouched


def test_the_live_report_shows_the_placeholder_too(org, flow, new_complaint, settings) -> None:
    """The repeat complainants of the report and the dashboard read an anonymised customer as
    the placeholder, never as a blank name."""
    settings.REPORTS_REPEAT_MIN_COMPLAINTS = 1
    for seed in (1, 2):
        worked_case(org, flow, new_complaint, seed=seed, email=EMAIL)
    anonymise_expired_cases_task.apply().get()

    with translation.override("en"):
        found = repeat_complainants(
            scope=ReportScope(departments=None),
            periods=periods_at(timezone.now(), timezone.get_default_timezone()),
            more_than=1,
            days=30,
        )

    assert [(item.name, item.complaints) for item in found] == [("Anonymised", 2)]


@pytest.mark.django_db(transaction=True)
def test_snapshots_built_before_keep_no_name_and_their_files_are_deleted(
    org, flow, new_complaint, settings
) -> None:
    """The migration: a snapshot of before (names and texts in its JSON, XLSX files stored) keeps
    the ids of the one customer still bearing a name, the placeholder for an anonymised one, and
    its files are deleted from storage."""
    settings.REPORTS_REPEAT_MIN_COMPLAINTS = 1
    for seed in (1, 2):
        worked_case(org, flow, new_complaint, seed=seed, email=EMAIL)
    for _ in range(2):
        new_complaint(customer_name="李女士", customer_phone="13900001111")
    anonymise_expired_cases_task.apply().get()
    kept = Customer.objects.get(name="李女士")
    before, after = (
        [("reports", "0007_export_files_expire")],
        [("reports", "0009_snapshot_files_not_stored")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    table = {"id": "repeat", "rows": [[f"{MARK}王先生", 2], ["李女士", 2]]}
    causes = {"id": "root-causes", "rows": [[f"{MARK} 培训不足", 2]]}
    document = {"sections": [{"title": "", "tables": [causes, table]}]}
    today = timezone.localdate()
    snapshot = old.get_model("reports", "ReportSnapshot").objects.create(
        kind="month",
        period_start=today.replace(day=1),
        period_end=today,
        figures={"en": document, "zh-hans": document},
        created_at=timezone.now(),
        file=default_storage.save("snapshots/old-en.xlsx", ContentFile(f"{MARK}".encode())),
    )
    old.get_model("reports", "ReportSnapshotFile").objects.create(
        snapshot=snapshot,
        language="zh-hans",
        file=default_storage.save("snapshots/old-zh.xlsx", ContentFile(f"{MARK}".encode())),
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    migrated = ReportSnapshot.objects.get(pk=snapshot.pk)
    assert traces_in(json.dumps(migrated.figures, ensure_ascii=False)) == []
    stored = migrated.figures["en"]["sections"][0]["tables"]
    assert stored[1]["customers"] == [None, kept.pk]
    assert stored[0]["decisions"] == [[]]  # the decisions bearing it were anonymised
    assert not default_storage.exists("snapshots/old-en.xlsx")
    assert not default_storage.exists("snapshots/old-zh.xlsx")
    read = snapshot_document(migrated, "en")
    assert rows(read) == [["Anonymised", 2], ["李女士", 2]]
    assert rows(read, "root-causes") == [["Anonymised", 2]]


def test_the_snapshot_page_reads_the_names_in_one_query_however_many(
    org, client_for, new_complaint, settings
) -> None:
    """7 queries for a snapshot naming nobody; one more for the customers' names, whatever their
    number (and one for the root causes' texts when it has some)."""
    settings.REPORTS_REPEAT_MIN_COMPLAINTS = 1
    today = timezone.localdate()
    client = client_for(org.manager)
    counts = []
    for month_back, people in ((1, 0), (0, 5)):
        for n in range(people):
            for _ in range(2):
                new_complaint(customer_name=f"客户{n}", customer_phone=f"1390000{n:04d}")
        period = month_period(today.year, today.month)
        if month_back:
            period = period.previous()
        snapshot, _created = snapshot_build(period=period)
        assert len(rows(snapshot_document(snapshot, "en"))) == people
        url = reverse("reports:snapshot", args=[snapshot.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))

    assert counts == [7, 8]  # no root cause was written in either
