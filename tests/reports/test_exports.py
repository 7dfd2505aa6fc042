"""The one-row-per-complaint export: rows, period, scope, masking, CSV and XLSX, the job and its
pages, and flat memory."""

from __future__ import annotations

import csv
import io
import tracemalloc
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from complaints.errors import InvalidInput, PermissionDenied
from complaints.models import Complaint, State
from reports.models import ExportJob
from reports.selectors.databases import read_alias
from reports.selectors.exports import COLUMNS, ExportSpec, export_rows
from reports.services.exports import (
    export_csv_stream,
    export_job_build,
    export_job_request,
)
from tests.factories import CustomerFactory, DepartmentFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = ExportSpec(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
KEYS = [key for key, _header in COLUMNS]


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def csv_rows(user, spec=MARCH, language="zh-hans") -> list[list[str]]:
    text = "".join(export_csv_stream(user=user, spec=spec, language=language))
    assert text.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def by_reference(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    return {row[0]: dict(zip(KEYS, row, strict=True)) for row in rows[1:]}


@pytest.fixture
def march(org, new_complaint, complaint_in, flow):
    """Cases around March 2026 (Asia/Shanghai): the edges of the period and a decided one."""
    closed = complaint_in(State.CLOSED, received_at=local(2026, 3, 1, 0, 0), region="上海市")
    last_evening = new_complaint(
        received_at=local(2026, 3, 31, 23, 30),  # 15:30 UTC, still March locally
        customer_name="李女士",
        customer_phone="13900001111",
        customer_email="li.nv@example.com",
        product_or_service='=HYPERLINK("http://evil")',
    )
    new_complaint(received_at=local(2026, 4, 1, 0, 10))  # 16:10 UTC on 31 March: April locally
    new_complaint(received_at=local(2026, 2, 28, 23, 59))
    return {"closed": closed, "last_evening": last_evening}


def test_csv_has_one_row_per_case_of_the_local_period_in_chinese(org, march):
    rows = csv_rows(org.manager)

    assert rows[0][:4] == ["投诉编号", "受理时间", "渠道", "投诉类别"]
    assert len(rows[0]) == len(COLUMNS)
    cases = by_reference(rows)
    assert set(cases) == {march["closed"].reference, march["last_evening"].reference}
    evening = cases[march["last_evening"].reference]
    assert evening["received_at"] == "2026-03-31 23:30"
    assert evening["customer"] == "李女士"
    # The manager may see contact details: unmasked (the leading + is kept from a spreadsheet
    # formula by an apostrophe)
    assert evening["phone"] == "'+8613900001111"
    assert evening["email"] == "li.nv@example.com"
    # A text a customer typed that a spreadsheet would run is written as text
    assert evening["product"] == '\'=HYPERLINK("http://evil")'

    closed = cases[march["closed"].reference]
    assert closed["region"] == "上海市"
    assert closed["outcome"] == "投诉成立"  # "Upheld"
    assert closed["channel"] == "电话"
    assert closed["remedy"] and closed["amount"] == "0.00"
    assert closed["satisfaction"] == "5"
    assert closed["closed_at"] and closed["decided_at"] and closed["replied_at"]
    assert closed["reopen_count"] == "0" and closed["escalation_level"] == "0"


def test_labels_follow_the_language(org, march):
    english = csv_rows(org.manager, language="en")
    chinese = csv_rows(org.manager, language="zh-hans")

    assert english[0][:3] == ["Reference", "Received at", "Channel"]
    assert chinese[0][0] == "投诉编号"
    closed = march["closed"].reference
    assert by_reference(english)[closed]["outcome"] == "Upheld"
    assert by_reference(english)[closed]["channel"] == "Phone"
    assert by_reference(chinese)[closed]["channel"] == "电话"


def test_contact_details_are_masked_for_roles_without_the_permission(org, march):
    for person in (org.head, org.executive, org.auditor):
        evening = by_reference(csv_rows(person))[march["last_evening"].reference]
        assert evening["phone"] == "139****1111", person.username
        assert evening["email"] == "l***@example.com"
        assert evening["customer"] == "李女士"  # names are shown on every page


def test_a_head_exports_their_subtree_only(org, new_complaint):
    team = DepartmentFactory(name="售后组", code="after-sales", parent=org.service)
    at = local(2026, 3, 10, 10, 0)
    own = new_complaint(received_at=at, department=org.service)
    below = new_complaint(received_at=at, department=team)
    elsewhere = new_complaint(received_at=at, department=org.legal)

    assert set(by_reference(csv_rows(org.head))) == {own.reference, below.reference}
    assert set(by_reference(csv_rows(org.manager))) == {
        own.reference,
        below.reference,
        elsewhere.reference,
    }
    # A department filter narrows within the scope, with the departments below it
    only_team = ExportSpec(date_from=MARCH.date_from, date_to=MARCH.date_to, department=team.pk)
    assert set(by_reference(csv_rows(org.manager, only_team))) == {below.reference}
    legal = ExportSpec(date_from=MARCH.date_from, date_to=MARCH.date_to, department=org.legal.pk)
    assert by_reference(csv_rows(org.head, legal)) == {}


def test_filters_channel_severity_region(org, new_complaint):
    at = local(2026, 3, 10, 10, 0)
    phone = new_complaint(received_at=at, channel="phone", region="上海市")
    email = new_complaint(received_at=at, channel="email", region="北京市", severity="urgent")

    def refs(**filters):
        spec = ExportSpec(date_from=MARCH.date_from, date_to=MARCH.date_to, **filters)
        return set(by_reference(csv_rows(org.manager, spec)))

    assert refs(channel="email") == {email.reference}
    assert refs(region="上海市") == {phone.reference}
    assert refs(severity="urgent") == {email.reference}
    assert refs(category=org.category.pk) == {phone.reference, email.reference}


def test_bad_input_and_roles_without_the_permission_are_refused(org):
    backwards = ExportSpec(date_from=date(2026, 3, 31), date_to=date(2026, 3, 1))
    with pytest.raises(InvalidInput) as error:
        export_csv_stream(user=org.manager, spec=backwards, language="en")
    assert "date_to" in error.value.fields
    with pytest.raises(InvalidInput):
        export_csv_stream(
            user=org.manager,
            spec=ExportSpec(date_from=MARCH.date_from, date_to=MARCH.date_to, channel="fax"),
            language="en",
        )
    for person in (org.agent, org.handler):
        with pytest.raises(PermissionDenied):
            export_csv_stream(user=person, spec=MARCH, language="en")
        with pytest.raises(PermissionDenied):
            export_job_request(user=person, spec=MARCH, language="en")


def test_without_a_replica_the_exports_read_the_primary():
    # (tests/reports/test_replica.py: with one, they read it)
    assert read_alias() == "default"


def test_the_rows_cost_the_same_queries_however_many(org, new_complaint):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            rows = list(export_rows(user=org.head, spec=MARCH, language="en", using="default"))
        return len(queries), len(rows)

    new_complaint(received_at=local(2026, 3, 2, 9, 0), department=org.service)
    # The first also reads the head's permissions and department tree, kept on the user object
    assert count_queries()[0] <= 4
    few = count_queries()
    for day in range(3, 13):
        new_complaint(received_at=local(2026, 3, day, 9, 0), department=org.service)
    many = count_queries()

    assert (few[1], many[1]) == (1, 11)
    # One query for all the rows, whatever their number
    assert few[0] == many[0] == 1


# --- the XLSX job ------------------------------------------------------------------------------


def test_the_xlsx_job_is_built_by_the_task_and_read_back(
    org, march, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_request(user=org.head, spec=MARCH, language="zh-hans")

    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    assert job.rows == 2 and job.finished_at and job.error == ""
    assert job.filters == {}
    with job.file.open("rb") as built:
        book = openpyxl.load_workbook(io.BytesIO(built.read()))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref
    assert len(rows) == 3 and len(rows[0]) == len(COLUMNS)
    assert rows[0][0] == "投诉编号"
    cases = {row[0]: dict(zip(KEYS, row, strict=True)) for row in rows[1:]}
    evening = cases[march["last_evening"].reference]
    # Dates are real dates (local time), numbers real numbers, texts never formulas
    assert evening["received_at"] == datetime(2026, 3, 31, 23, 30)
    assert evening["phone"] == "139****1111"  # the head's masking
    assert evening["product"] == '=HYPERLINK("http://evil")'
    closed = cases[march["closed"].reference]
    assert closed["satisfaction"] == 5 and closed["amount"] == 0
    assert closed["escalation_level"] == 0


def test_every_xlsx_cell_is_the_rows_value_in_its_type(org, march):
    # The writer picks each column's XlsxWriter method once (times as Excel serial numbers):
    # what it writes must read back as exactly the selector's values, column by column.
    job = ExportJob.objects.create(
        requested_by=org.manager,
        format="xlsx",
        date_from=MARCH.date_from,
        date_to=MARCH.date_to,
        language="en",
        created_at=local(2026, 4, 1, 9, 0),
    )
    built = export_job_build(job_id=job.pk)
    with built.file.open("rb") as data:
        sheet = openpyxl.load_workbook(io.BytesIO(data.read())).worksheets[0]
    read = [
        dict(zip(KEYS, row, strict=True)) for row in list(sheet.iter_rows(values_only=True))[1:]
    ]
    expected = list(export_rows(user=org.manager, spec=MARCH, language="en", using="default"))

    assert len(read) == len(expected) == 2
    for got, row in zip(read, expected, strict=True):
        for key in KEYS:
            value = row[key]
            if value is None or value == "":
                assert got[key] is None, key
            elif isinstance(value, datetime):
                # (Excel keeps a time to the millisecond)
                assert abs(got[key] - value.replace(tzinfo=None)) < timedelta(milliseconds=1), key
            elif key == "amount":
                assert got[key] == float(value) and isinstance(got[key], int | float), key
            else:
                assert got[key] == value and type(got[key]) is type(value), key
    closed = next(row for row in read if row["reference"] == march["closed"].reference)
    assert closed["closed_at"] is not None and closed["decided_at"] is not None


def test_a_second_delivery_builds_nothing(org, march):
    job = ExportJob.objects.create(
        requested_by=org.manager,
        format="xlsx",
        date_from=MARCH.date_from,
        date_to=MARCH.date_to,
        language="en",
        created_at=local(2026, 4, 1, 9, 0),
    )
    first = export_job_build(job_id=job.pk)
    assert first is not None and first.status == ExportJob.Status.DONE
    name = first.file.name

    assert export_job_build(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.file.name == name


def test_a_failed_build_is_recorded(org, monkeypatch):
    job = ExportJob.objects.create(
        requested_by=org.manager,
        format="xlsx",
        date_from=MARCH.date_from,
        date_to=MARCH.date_to,
        filters={"channel": "phone"},
        language="en",
        created_at=local(2026, 4, 1, 9, 0),
    )

    def broken(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("reports.services.exports.export_rows", broken)
    built = export_job_build(job_id=job.pk)

    assert built.status == ExportJob.Status.FAILED
    assert "disk full" in built.error and not built.file


# --- pages -------------------------------------------------------------------------------------


def test_the_export_page_streams_a_csv(client, org, march):
    client.force_login(org.manager)
    page = client.get(reverse("reports:exports"))
    assert page.status_code == 200
    assert page.context["form"]["date_from"].value()

    response = client.get(
        reverse("reports:export-csv"),
        {"date_from": "2026-03-01", "date_to": "2026-03-31", "channel": "phone"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="complaints-20260301-20260331.csv"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    assert march["closed"].reference in body and march["last_evening"].reference in body


def test_the_export_pages_refuse_other_roles_and_bad_dates(client, org):
    client.force_login(org.handler)
    assert client.get(reverse("reports:exports")).status_code == 403
    assert client.get(reverse("reports:export-csv")).status_code == 403

    client.force_login(org.manager)
    bad = client.get(
        reverse("reports:export-csv"), {"date_from": "2026-03-31", "date_to": "2026-03-01"}
    )
    assert bad.status_code == 400
    assert bad.context["form"].errors["date_to"]
    assert client.get(reverse("reports:export-csv"), {"date_from": "soon"}).status_code == 400


def test_the_job_page_follows_progress_and_only_its_requester_or_a_manager_downloads(
    client, org, march, django_capture_on_commit_callbacks
):
    client.force_login(org.head)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("reports:exports"), {"date_from": "2026-03-01", "date_to": "2026-03-31"}
        )
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:export-job", args=[job.pk])
    assert job.requested_by == org.head and job.status == ExportJob.Status.PENDING

    # While it waits the page polls (htmx) and offers no download
    waiting = client.get(reverse("reports:export-job", args=[job.pk]))
    assert b'hx-trigger="every 2s"' in waiting.content
    assert b"export-download" not in waiting.content
    assert client.get(reverse("reports:export-download", args=[job.pk])).status_code == 404

    for callback in callbacks:  # the queued build runs (eager Celery)
        callback()
    partial = client.get(reverse("reports:export-job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert b"every 2s" not in partial.content and b'data-status="done"' in partial.content
    assert b"<html" not in partial.content
    download = client.get(reverse("reports:export-download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.worksheets[0].max_row == 3

    # Another head, the auditor: as if it did not exist; a complaint manager may download it
    for person in (org.auditor, org.executive):
        client.force_login(person)
        assert client.get(reverse("reports:export-job", args=[job.pk])).status_code == 404
        assert client.get(reverse("reports:export-download", args=[job.pk])).status_code == 404
    client.force_login(org.manager)
    assert client.get(reverse("reports:export-download", args=[job.pk])).status_code == 200


# --- memory ------------------------------------------------------------------------------------


def bulk_cases(org, count: int) -> None:
    customer = CustomerFactory()
    Complaint.objects.bulk_create(
        [
            Complaint(
                reference=f"CP-2026-{number:06d}",
                public_token=f"token-{number}",
                state=State.CLOSED,
                customer=customer,
                channel="phone",
                received_at=local(2026, 3, 1 + number % 28, 9, 0),
                subject="空调维修后仍不制冷",
                description="上周维修过的空调再次不制冷。",
                region="上海市",
                category=org.category,
                department=org.service,
            )
            for number in range(count)
        ],
        batch_size=1000,
    )


def peak_bytes(run) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_as_the_export_grows(org):
    def csv_through():
        for _piece in export_csv_stream(user=org.manager, spec=MARCH, language="zh-hans"):
            pass

    def xlsx_build():
        job = ExportJob.objects.create(
            requested_by=org.manager,
            format="xlsx",
            date_from=MARCH.date_from,
            date_to=MARCH.date_to,
            language="zh-hans",
            created_at=local(2026, 4, 1, 9, 0),
        )
        assert export_job_build(job_id=job.pk).rows > 0

    bulk_cases(org, 2_500)
    small = (peak_bytes(csv_through), peak_bytes(xlsx_build))
    Complaint.objects.all().delete()
    bulk_cases(org, 10_000)
    large = (peak_bytes(csv_through), peak_bytes(xlsx_build))

    # Four times the rows, about the same peak: rows are read in chunks of 2,000 and written out
    assert large[0] < small[0] * 1.5 + 1_000_000, (small, large)
    assert large[1] < small[1] * 1.5 + 1_000_000, (small, large)


def test_every_export_of_cases_is_in_the_audit_log(
    client, org, march, django_capture_on_commit_callbacks
):
    def exports() -> list[tuple[str, str, dict]]:
        return [
            (entry.actor.username, entry.target_label, entry.details)
            for entry in AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).order_by("pk")
        ]

    csv_rows(org.manager, spec=ExportSpec(MARCH.date_from, MARCH.date_to, channel="phone"))
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_request(user=org.head, spec=MARCH, language="en")
    client.force_login(org.head)
    assert client.get(reverse("reports:export-download", args=[job.pk])).status_code == 200
    client.force_login(org.manager)  # someone else's file: an export of its own
    assert client.get(reverse("reports:export-download", args=[job.pk])).status_code == 200

    period = {"received_from": "2026-03-01", "received_to": "2026-03-31"}
    assert exports() == [
        (org.manager.username, "complaints-20260301-20260331.csv",
         {"format": "csv", **period, "channel": "phone"}),
        (org.head.username, str(job), {"format": "xlsx", **period}),
        (org.manager.username, str(job), {"format": "xlsx", **period}),
    ]  # fmt: skip


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_date_pickers_get_iso_values_in_every_language(client, org, language):
    # A date input takes only YYYY-MM-DD: a localised "2026/12/01" showed as an empty field.
    client.force_login(org.manager)
    client.cookies["django_language"] = language
    html = client.get(reverse("reports:exports")).content.decode()
    today = timezone.localdate()
    assert f'name="date_from" value="{today.replace(day=1).isoformat()}"' in html
    assert f'name="date_to" value="{today.isoformat()}"' in html
    report = client.get(
        reverse("reports:report"),
        {"period": "custom", "date_from": "2026-03-01", "date_to": "2026-03-31"},
    ).content.decode()
    assert 'name="date_from" value="2026-03-01"' in report
    assert 'name="date_to" value="2026-03-31"' in report
