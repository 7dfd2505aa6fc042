"""The report page: who opens it, the period form, the files of its tables, its query count."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.models import Channel, State
from complaints.services.lost_property import lost_property_record
from reports.domain import last_full_month
from reports.services.rollup import daily_figures_rebuild
from tests.conftest import Org
from tests.factories import ComplaintFactory

URL = reverse("reports:report")


@pytest.fixture
def cases(org: Org) -> None:
    """Cases of last month in two departments, one closed."""
    period = last_full_month(timezone.localdate())
    start = timezone.make_aware(
        timezone.datetime.combine(period.first, timezone.datetime.min.time())
    ) + timedelta(hours=10)
    for days, state, department, channel in (
        (1, State.TRIAGE, org.service, Channel.PHONE),
        (2, State.CLOSED, org.service, Channel.REGULATOR_12315),
        (3, State.INVESTIGATION, org.legal, Channel.EMAIL),
    ):
        ComplaintFactory(
            received_at=start + timedelta(days=days),
            closed_at=start + timedelta(days=days + 1) if state == State.CLOSED else None,
            state=state,
            department=department,
            category=org.category,
            channel=channel,
        )


class TestAccess:
    def test_anonymous_visitors_are_sent_to_sign_in(self, org: Org) -> None:
        response = Client().get(URL)

        assert response.status_code == 302

    @pytest.mark.parametrize("who", ["handler", "agent"])
    def test_those_who_work_cases_only_are_refused(self, org: Org, client_for, who: str) -> None:
        assert client_for(getattr(org, who)).get(URL).status_code == 403
        assert client_for(getattr(org, who)).get(URL + "?format=csv").status_code == 403

    @pytest.mark.parametrize("who", ["head", "manager", "executive", "auditor"])
    def test_heads_managers_executives_and_auditors_open_it(
        self, org: Org, client_for, who: str
    ) -> None:
        page = client_for(getattr(org, who)).get(URL)

        assert page.status_code == 200
        assert 'data-testid="nav-report"' in page.content.decode()

    def test_the_dashboard_links_it(self, org: Org, client_for) -> None:
        page = client_for(org.manager).get(reverse("reports:dashboard")).content.decode()

        assert f'href="{URL}"' in page


class TestPeriodForm:
    def test_the_default_is_the_last_full_month(self, org: Org, client_for, cases) -> None:
        period = last_full_month(timezone.localdate())

        response = client_for(org.manager).get(URL)

        document = response.context["document"]
        assert document["period"]["first"] == period.first.isoformat()
        assert document["period"]["last"] == period.last.isoformat()
        comparison = document["sections"][0]["tables"][0]
        assert comparison["rows"][0][1]["value"] == 3  # received

    def test_a_quarter(self, org: Org, client_for) -> None:
        response = client_for(org.manager).get(
            URL, {"period": "quarter", "year": 2026, "quarter": 2}
        )

        document = response.context["document"]
        assert (document["period"]["first"], document["period"]["last"]) == (
            "2026-04-01",
            "2026-06-30",
        )
        assert document["previous"]["first"] == "2026-01-01"

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ({"period": "custom", "date_from": "2026-09-10"}, "date_to"),
            ({"period": "custom", "date_from": "2026-09-10", "date_to": "2026-09-01"}, "date_to"),
            ({"period": "month", "month": "2026-13"}, "month"),
            ({"period": "quarter", "year": 2026}, "quarter"),
            ({"period": "week"}, "period"),
        ],
    )
    def test_bad_input_is_explained(self, org: Org, client_for, query, field: str) -> None:
        response = client_for(org.manager).get(URL, query)

        assert response.status_code == 400
        assert field in response.context["form"].errors
        assert "document" not in response.context

    def test_an_unknown_file_type_is_refused(self, org: Org, client_for) -> None:
        assert client_for(org.manager).get(URL, {"format": "pdf"}).status_code == 400

    def test_the_export_link_carries_the_period_and_filters(self, org: Org, client_for) -> None:
        response = client_for(org.manager).get(
            URL,
            {"period": "month", "month": "2026-09", "department": org.legal.pk, "channel": "phone"},
        )

        link = urlparse(response.context["export_url"])
        assert link.path == reverse("reports:exports")
        assert parse_qs(link.query) == {
            "date_from": ["2026-09-01"],
            "date_to": ["2026-09-30"],
            "department": [str(org.legal.pk)],
            "channel": ["phone"],
        }
        export_form = client_for(org.manager).get(link.path + "?" + link.query).context["form"]
        assert export_form.is_valid()


class TestFiles:
    def test_the_tables_as_csv(self, org: Org, client_for, cases) -> None:
        response = client_for(org.manager).get(URL, {"format": "csv"})

        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        received = next(row for row in rows if row and row[0] == "Complaints received")
        assert received[1] == "3"
        referred = next(row for row in rows if row and row[0] == "Regulator referral (12315)")
        assert referred[1] == "1"

    def test_the_tables_as_xlsx(self, org: Org, client_for, cases) -> None:
        response = client_for(org.manager).get(URL, {"format": "xlsx"})

        book = openpyxl.load_workbook(io.BytesIO(response.content))
        summary = book.worksheets[0]
        assert summary["A2"].value == "Figure"
        lines = {row[0]: row[1:] for row in summary.iter_rows(min_row=3, values_only=True)}
        assert lines["Complaints received"][0] == 3
        assert lines["Complaints closed"][0] == 1
        departments = next(sheet for sheet in book.worksheets if sheet.title == "By department")
        names = [row[0] for row in departments.iter_rows(min_row=3, values_only=True) if row[0]]
        assert "服务部" in names and "法务部" in names

    def test_the_xlsx_carries_the_months_lost_property(self, org: Org, client_for, cases) -> None:
        """Issue 16 §5: risk control's monthly figures (seed 004 §五.2 F) in the report's files,
        for the whole store whatever the reader's scope."""
        period = last_full_month(timezone.localdate())
        first = timezone.make_aware(
            timezone.datetime.combine(period.first, timezone.datetime.min.time())
        )
        for hours, area in ((15, "2F 沙发区"), (39, "2F 沙发区"), (19 + 48, "收银台 3")):
            lost_property_record(
                actor=org.agent,
                customer_name="陈女士",
                lost_at=first + timedelta(hours=hours),
                area=area,
                description="手提包",
            )
        # Before the month: not counted.
        lost_property_record(
            actor=org.agent,
            customer_name="陈女士",
            lost_at=first - timedelta(minutes=1),
            area="1F 入口",
            description="钱包",
        )

        response = client_for(org.head).get(URL, {"format": "xlsx"})

        book = openpyxl.load_workbook(io.BytesIO(response.content))
        titles = [sheet.title for sheet in book.worksheets]
        areas = book.worksheets[titles.index("Lost property by place")]
        assert [row for row in areas.iter_rows(min_row=3, values_only=True) if row[1]] == [
            ("2F 沙发区", 2),
            ("收银台 3", 1),
        ]
        hours = book.worksheets[titles.index("Lost property by hour")]
        counts = {
            row[0]: row[1] for row in hours.iter_rows(min_row=3, max_row=26, values_only=True)
        }
        assert counts["15:00"] == 3 - 1 and counts["19:00"] == 1 and counts["00:00"] == 0
        csv_rows = list(
            csv.reader(
                io.StringIO(
                    client_for(org.head).get(URL, {"format": "csv"}).content.decode("utf-8-sig")
                )
            )
        )
        assert ["2F 沙发区", "2"] in csv_rows

    def test_a_head_s_files_hold_their_subtree_only(self, org: Org, client_for, cases) -> None:
        response = client_for(org.head).get(URL, {"format": "csv"})

        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        received = next(row for row in rows if row and row[0] == "Complaints received")
        assert received[1] == "2"
        assert not any(row and row[0] == "法务部" for row in rows)


# The report's own families, for the period and the one before (16 each): intake, the clocks met,
# the clocks breached and open (two arms for a period that has ended: unfinished now, finished
# late since), first response, decisions' working days, the closing pairs (closing times, the
# close durations and the tables share them), satisfaction, rates, redress, decisions, five
# breakdowns; the trend, root causes, rising problems (two windows), repeat complainants (5); the
# tables' cases received and closed and their follow-ups per owner (3) and their names (one query per table with a named
# row: here the departments; every case is unassigned); the working calendar; session, user,
# permissions (2), the top bar's unread count and groups (6); the form's department and category
# pickers (2); the store's lost property (1); whether the daily rollup has a recent build (1): 52.
# A head adds their department scope and the names of their departments.
@pytest.mark.parametrize(("who", "queries"), [("manager", 52), ("head", 54)])
def test_the_page_has_a_pinned_query_count(
    org: Org, client_for, django_assert_num_queries, cases, who: str, queries: int
) -> None:
    client = client_for(getattr(org, who))
    client.get(URL)

    with django_assert_num_queries(queries):
        client.get(URL)


# Read from the daily rollup: the build (1); per period, its rows (1) and the first responses
# counted live (1) (2 × 2); the categories' and departments' names (2); the trend (1); the rising
# problems' two windows (2); root causes, repeat complainants (2); the tables' names (1); the
# working calendar; session, user, permissions, top bar (6 as above); pickers (2); lost property
# (1): 23. A head adds their department scope and the names of their departments.
@pytest.mark.parametrize(("who", "queries"), [("manager", 23), ("head", 25)])
def test_the_page_read_from_the_rollup_has_a_pinned_query_count(
    org: Org, client_for, django_assert_num_queries, cases, who: str, queries: int
) -> None:
    daily_figures_rebuild()
    client = client_for(getattr(org, who))
    client.get(URL)

    with django_assert_num_queries(queries):
        response = client.get(URL)
    assert 'data-testid="report-counted-ahead"' in response.content.decode()
