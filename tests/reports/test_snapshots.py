"""Report snapshots: built once per period and scope, e-mailed once per recipient in their
language with the XLSX, frozen against later changes, listed and downloaded by their readers."""

from __future__ import annotations

import io
import smtplib
from datetime import date

import openpyxl
import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from accounts.roles import Role
from complaints.models import Channel
from reports import tasks as report_tasks
from reports.domain import month_period, quarter_period
from reports.models import ReportSnapshot, ReportSnapshotEmail
from reports.services import snapshots
from reports.services.snapshots import snapshot_build, snapshot_run, snapshot_send
from reports.tasks import build_monthly_snapshot_task
from tests.conftest import Org
from tests.factories import UserFactory
from tests.reports.conftest import NOW, local


@pytest.fixture
def september(org: Org, case, periods):
    """Two complaints received in September 2026 (one a 12315 referral), one in August."""
    case(local(2026, 9, 10), channel=Channel.REGULATOR_12315)
    case(local(2026, 9, 30, 23, 30), channel=Channel.PHONE)
    case(local(2026, 8, 20), channel=Channel.PHONE)


def received(document: dict) -> int:
    return document["sections"][0]["tables"][0]["rows"][0][1]["value"]


@pytest.fixture
def recipients(org: Org, settings):
    """The manager reads Chinese, the executive English; a manager without an address and an
    inactive one get nothing."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    org.manager.email, org.manager.language = "manager@example.com", "zh-hans"
    org.manager.save()
    org.executive.email, org.executive.language = "executive@example.com", "en"
    org.executive.save()
    UserFactory(username="no_mail", role=Role.COMPLAINT_MANAGER, email="")
    UserFactory(username="gone", role=Role.EXECUTIVE, email="gone@example.com", is_active=False)
    return org


def test_the_job_run_twice_gives_one_snapshot_and_one_mail_each(september, recipients) -> None:
    first, failed = snapshot_run(kind="month", today=date(2026, 10, 1))
    second, failed_again = snapshot_run(kind="month", today=date(2026, 10, 1))

    assert first.pk == second.pk and failed == failed_again == []
    assert ReportSnapshot.objects.count() == 1
    assert (first.period_start, first.period_end) == (date(2026, 9, 1), date(2026, 9, 30))
    assert sorted(message.to[0] for message in mail.outbox) == [
        "executive@example.com",
        "manager@example.com",
    ]


def test_each_recipient_reads_it_in_their_language_with_the_xlsx(september, recipients) -> None:
    snapshot_run(kind="month", today=date(2026, 10, 1))

    by_address = {message.to[0]: message for message in mail.outbox}
    chinese, english = by_address["manager@example.com"], by_address["executive@example.com"]
    assert "投诉报告" in chinese.subject
    assert "Complaint report" in english.subject and "September 2026" in english.subject
    name, content, mimetype = english.attachments[0]
    assert name.endswith(".xlsx") and mimetype.startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(content))
    lines = {row[0]: row[1] for row in book.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert lines["Complaints received"] == 2
    chinese_book = openpyxl.load_workbook(io.BytesIO(chinese.attachments[0][1]))
    assert chinese_book.worksheets[0]["A2"].value == "指标"


def test_the_figures_stay_as_they_were(org: Org, september, case, periods) -> None:
    snapshot, created = snapshot_build(period=month_period(2026, 9), now=NOW)
    case(local(2026, 9, 15), channel=Channel.PHONE)  # entered late, after the snapshot

    again, created_again = snapshot_build(period=month_period(2026, 9), now=NOW)

    assert created and not created_again
    assert again.pk == snapshot.pk
    snapshot.refresh_from_db()
    assert received(snapshot.figures["en"]) == 2
    assert received(snapshot.figures["zh-hans"]) == 2
    _name, content = snapshots.snapshot_xlsx(snapshot, "en")
    assert openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]["B3"].value == 2


def test_a_quarter_and_a_department_are_snapshots_of_their_own(org: Org, september) -> None:
    snapshot_build(period=quarter_period(2026, 3), now=NOW)
    snapshot_build(period=quarter_period(2026, 3), department=org.legal, now=NOW)
    snapshot_build(period=month_period(2026, 9), now=NOW)

    assert ReportSnapshot.objects.count() == 3
    legal = ReportSnapshot.objects.get(department=org.legal)
    assert received(legal.figures["en"]) == 0


def test_sending_again_sends_nothing(september, recipients) -> None:
    snapshot, _created = snapshot_build(period=month_period(2026, 9), now=NOW)

    assert snapshot_send(snapshot_id=snapshot.pk) == (2, [])
    assert snapshot_send(snapshot_id=snapshot.pk) == (0, [])
    assert len(mail.outbox) == 2
    snapshot.refresh_from_db()
    assert snapshot.emailed_at is not None
    assert ReportSnapshotEmail.objects.filter(emailed_at__isnull=True).count() == 0


class FailsForOneAddress(locmem.EmailBackend):
    """The locmem backend, but the mail server refuses one address while `broken` holds it."""

    broken: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & self.broken:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"mailbox full")})
        return super().send_messages(messages)


def test_one_failed_mail_stops_no_other_and_a_retry_sends_only_it(
    september, recipients, settings, monkeypatch
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.FailsForOneAddress"
    monkeypatch.setattr(FailsForOneAddress, "broken", {"manager@example.com"})
    # The manager comes first (a lower id): their failure must not keep the executive's mail.
    assert recipients.manager.pk < recipients.executive.pk

    snapshot, failures = snapshot_run(kind="month", today=date(2026, 10, 1))

    assert [message.to for message in mail.outbox] == [["executive@example.com"]]
    assert len(failures) == 1 and isinstance(failures[0], smtplib.SMTPRecipientsRefused)
    snapshot.refresh_from_db()
    assert snapshot.emailed_at is None  # not every mail went: the retry has work
    # The task raises the failure after the others went, so Celery retries it (autoretry_for)
    monkeypatch.setattr(report_tasks, "snapshot_run", lambda kind: (snapshot, failures))
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        report_tasks._snapshot("month")

    monkeypatch.setattr(FailsForOneAddress, "broken", set())
    _snapshot, failures = snapshot_run(kind="month", today=date(2026, 10, 1))

    assert failures == []
    assert [message.to for message in mail.outbox] == [
        ["executive@example.com"],
        ["manager@example.com"],
    ]
    snapshot.refresh_from_db()
    assert snapshot.emailed_at is not None
    assert snapshot_run(kind="month", today=date(2026, 10, 1))[1] == [] and len(mail.outbox) == 2


def test_each_language_is_built_once_per_sending_whatever_the_number_of_readers(
    september, recipients, monkeypatch
) -> None:
    for number in range(3):
        UserFactory(
            username=f"manager{number}",
            role=Role.COMPLAINT_MANAGER,
            email=f"manager{number}@example.com",
            language="zh-hans",
        )
    built: list[str] = []
    real = snapshots.report_xlsx

    def counting(document):
        built.append(document["sections"][0]["tables"][0]["columns"][0])
        return real(document)

    monkeypatch.setattr(snapshots, "report_xlsx", counting)

    snapshot_run(kind="month", today=date(2026, 10, 1))

    assert len(mail.outbox) == 5
    assert sorted(built) == ["Figure", "指标"]
    by_address = {message.to[0]: message for message in mail.outbox}
    assert all(
        message.attachments[0][0].endswith("-zh-hans.xlsx")
        for address, message in by_address.items()
        if address.startswith("manager")
    )
    assert by_address["executive@example.com"].attachments[0][0].endswith("-en.xlsx")


def test_bad_kinds_are_refused(org: Org) -> None:
    with pytest.raises(ValueError):
        snapshot_run(kind="year")
    with pytest.raises(ValueError):
        snapshot_build(
            period=month_period(2026, 9).__class__("year", date(2026, 1, 1), date(2026, 12, 31))
        )


def test_beat_runs_them_on_the_reports_queue(org: Org, settings, september, recipients) -> None:
    monthly = PeriodicTask.objects.get(task="reports.tasks.build_monthly_snapshot_task")
    quarterly = PeriodicTask.objects.get(task="reports.tasks.build_quarterly_snapshot_task")

    assert (monthly.crontab.day_of_month, monthly.crontab.hour) == ("1", "6")
    assert quarterly.crontab.month_of_year == "1,4,7,10"
    assert monthly.queue == quarterly.queue == "reports"
    assert settings.CELERY_TASK_ROUTES["reports.tasks.*"] == {"queue": "reports"}
    assert isinstance(build_monthly_snapshot_task.apply().get(), int)


class TestPages:
    def test_managers_list_read_and_download(self, org: Org, client_for, september) -> None:
        snapshot, _created = snapshot_build(period=month_period(2026, 9), now=NOW)
        client = client_for(org.manager)

        listing = client.get(reverse("reports:snapshots"))
        page = client.get(reverse("reports:snapshot", args=[snapshot.pk]))
        download = client.get(reverse("reports:snapshot-xlsx", args=[snapshot.pk]))

        assert listing.status_code == 200
        assert reverse("reports:snapshot", args=[snapshot.pk]) in listing.content.decode()
        assert page.status_code == 200
        assert page.context["document"]["period"]["first"] == "2026-09-01"
        book = openpyxl.load_workbook(io.BytesIO(download.content))
        assert book.worksheets[0]["B3"].value == 2
        assert book.worksheets[0]["A2"].value == "Figure"  # the reader's language

    def test_the_download_is_in_the_readers_language(self, org: Org, client_for, september):
        snapshot, _created = snapshot_build(period=month_period(2026, 9), now=NOW)
        url = reverse("reports:snapshot-xlsx", args=[snapshot.pk])

        chinese = client_for(org.manager, language="zh-hans").get(url)
        english = client_for(org.manager, language="en").get(url)

        for response, heading, language in (
            (chinese, "指标", "zh-hans"),
            (english, "Figure", "en"),
        ):
            assert response["Content-Disposition"].endswith(f'-{language}.xlsx"')
            book = openpyxl.load_workbook(io.BytesIO(response.content))
            assert book.worksheets[0]["A2"].value == heading

    def test_a_head_sees_their_departments_snapshots_only(self, org: Org, client_for) -> None:
        company, _ = snapshot_build(period=month_period(2026, 9), now=NOW)
        service, _ = snapshot_build(period=month_period(2026, 9), department=org.service, now=NOW)
        legal, _ = snapshot_build(period=month_period(2026, 9), department=org.legal, now=NOW)
        client = client_for(org.head)

        listed = list(client.get(reverse("reports:snapshots")).context["snapshots"])

        assert listed == [service]
        assert client.get(reverse("reports:snapshot", args=[company.pk])).status_code == 404
        assert client.get(reverse("reports:snapshot-xlsx", args=[legal.pk])).status_code == 404
        assert client.get(reverse("reports:snapshot", args=[service.pk])).status_code == 200

    def test_handlers_are_refused(self, org: Org, client_for) -> None:
        assert client_for(org.handler).get(reverse("reports:snapshots")).status_code == 403

    def test_the_list_has_a_pinned_query_count(
        self, org: Org, client_for, django_assert_num_queries
    ) -> None:
        snapshot_build(period=month_period(2026, 9), now=NOW)
        snapshot_build(period=month_period(2026, 8), now=NOW)
        client = client_for(org.manager)
        client.get(reverse("reports:snapshots"))

        with django_assert_num_queries(7):
            client.get(reverse("reports:snapshots"))
