"""Report snapshots: built once per period and scope, e-mailed once per recipient in their
language with the XLSX, frozen against later changes, listed and downloaded by their readers."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from accounts.roles import Role
from complaints.models import Channel
from reports.domain import month_period, quarter_period
from reports.models import ReportSnapshot
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
    first = snapshot_run(kind="month", today=date(2026, 10, 1))
    second = snapshot_run(kind="month", today=date(2026, 10, 1))

    assert first.pk == second.pk
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
    book = openpyxl.load_workbook(snapshot.file.open("rb"))
    assert book.worksheets[0]["B3"].value == 2


def test_a_quarter_and_a_department_are_snapshots_of_their_own(org: Org, september) -> None:
    snapshot_build(period=quarter_period(2026, 3), now=NOW)
    snapshot_build(period=quarter_period(2026, 3), department=org.legal, now=NOW)
    snapshot_build(period=month_period(2026, 9), now=NOW)

    assert ReportSnapshot.objects.count() == 3
    legal = ReportSnapshot.objects.get(department=org.legal)
    assert received(legal.figures["en"]) == 0


def test_sending_again_sends_nothing(september, recipients) -> None:
    snapshot, _created = snapshot_build(period=month_period(2026, 9), now=NOW)

    assert snapshot_send(snapshot_id=snapshot.pk) == 2
    assert snapshot_send(snapshot_id=snapshot.pk) == 0
    assert len(mail.outbox) == 2


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
        book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
        assert book.worksheets[0]["B3"].value == 2

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
