"""The dashboard page: who opens it, where it links, and its pinned number of queries."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.models import State
from tests.conftest import Org
from tests.factories import CategoryFactory, ComplaintFactory

URL = reverse("reports:dashboard")


@pytest.fixture
def cases(org: Org) -> None:
    """A few open and closed cases of this month, in two departments."""
    now = timezone.now()
    for minutes, state, department, level in (
        (10, State.TRIAGE, org.service, 0),
        (20, State.INVESTIGATION, org.service, 1),
        (30, State.INVESTIGATION, org.legal, 3),
        (40, State.CLOSED, org.service, 0),
    ):
        ComplaintFactory(
            received_at=now - timedelta(minutes=minutes),
            state=state,
            department=department,
            category=org.category,
            escalation_level=level,
            next_due_at=now - timedelta(minutes=5) if level else None,
        )


def kpi_link(page: str, kpi: str) -> tuple[int, str | None]:
    block = re.search(rf'data-testid="kpi-{kpi}".*?class="kpi-value">(.*?)</span>', page, re.S)
    assert block, kpi
    link = re.search(r'<a href="([^"]+)">(\d+)</a>', block.group(1))
    if link:
        return int(link.group(2)), unescape(link.group(1))
    return int(re.sub(r"\D", "", block.group(1))), None


class TestAccess:
    def test_anonymous_visitors_are_sent_to_sign_in(self, org: Org) -> None:
        response = Client().get(URL)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    @pytest.mark.parametrize("who", ["handler", "agent", "other_handler"])
    def test_those_who_work_cases_only_are_refused(self, org: Org, client_for, who: str) -> None:
        response = client_for(getattr(org, who)).get(URL)

        assert response.status_code == 403

    @pytest.mark.parametrize("who", ["head", "manager", "executive", "auditor"])
    def test_heads_managers_executives_and_auditors_open_it(
        self, org: Org, client_for, who: str
    ) -> None:
        response = client_for(getattr(org, who)).get(URL)

        assert response.status_code == 200
        assert 'data-testid="nav-dashboard"' in response.content.decode()

    def test_the_top_bar_links_it_only_for_those_allowed(self, org: Org, client_for) -> None:
        handler_page = client_for(org.handler).get(reverse("notifications")).content.decode()
        manager_page = client_for(org.manager).get(reverse("notifications")).content.decode()

        assert 'data-testid="nav-dashboard"' not in handler_page
        assert f'href="{URL}"' in manager_page


class TestFiguresAndLinks:
    def test_every_key_figure_leads_to_a_queue_listing_exactly_its_cases(
        self, org: Org, client_for, cases
    ) -> None:
        client = client_for(org.manager)
        page = client.get(URL).content.decode()

        for kpi, expected in (("open", 3), ("overdue", 2), ("escalated", 2), ("new-month", 4)):
            value, link = kpi_link(page, kpi)
            assert value == expected, kpi
            assert link is not None and link.startswith(reverse("queue", args=["all"]))
            listed = client.get(link).context["page"].paginator.count
            assert listed == expected, kpi

    def test_a_heads_figures_and_links_keep_to_their_department(
        self, org: Org, client_for, cases
    ) -> None:
        client = client_for(org.head)
        page = client.get(URL).content.decode()

        value, link = kpi_link(page, "open")
        assert value == 2
        assert link is not None and link.startswith(reverse("queue", args=["department"]))
        assert client.get(link).context["page"].paginator.count == 2
        # New this month counts a closed case, which "My department" cannot list: no link.
        assert kpi_link(page, "new-month") == (3, None)

    @time_machine.travel("2026-10-14 15:00:00+08:00", tick=False)
    def test_each_stage_clocks_figures_lead_to_exactly_their_cases(
        self, org: Org, client_for, clock, settings
    ) -> None:
        # Overdue now, met on time / late this month, breached this month and still unmet, for
        # two stage clocks, with a paused clock past due (not overdue: it waits), a clock met
        # last month (not counted) and a closed case's clock (listed by "All" in every state).
        settings.REPORTS_DASHBOARD_CACHE_SECONDS = 0
        now = timezone.now()
        month_start = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0)
        last_month = month_start - timedelta(days=3)

        def case(state: str = State.INVESTIGATION, department=None):
            return ComplaintFactory(
                received_at=now - timedelta(minutes=30),
                state=state,
                department=department or org.service,
                category=org.category,
            )

        hour = timedelta(hours=1)
        for _n in range(2):
            clock(case(), "investigation", now - hour)  # overdue now
        clock(case(department=org.legal), "investigation", now - hour)  # overdue (legal)
        clock(case(), "investigation", now - hour, paused_at=now - 2 * hour)  # waits
        clock(case(), "decision", now - hour)  # overdue, another stage
        clock(case(State.CLOSED), "investigation", now + hour, met_at=now - 2 * hour)  # on time
        clock(case(State.CLOSED), "investigation", now - 2 * hour, met_at=now - hour)  # late
        clock(case(State.CLOSED), "investigation", last_month, met_at=last_month)  # last month
        clock(case(), "decision", now + hour, met_at=now - hour)  # on time
        clock(case(State.REPLY), "decision", max(month_start, now - 2 * hour), met_at=now)
        expected = {
            ("investigation", "overdue"): 3,
            ("investigation", "on_time"): 1,
            ("investigation", "late"): 1,
            ("investigation", "breached"): 3,
            ("decision", "overdue"): 1,
            ("decision", "on_time"): 1,
            ("decision", "late"): 1,
            ("decision", "breached"): 1,
        }
        columns = ["overdue", "on_time", "late", "breached"]
        client = client_for(org.manager)
        page = client.get(URL).content.decode()
        table = re.search(r'data-testid="deadlines-table".*?</table>', page, re.S).group(0)
        rows = {
            label: [cell.strip() for cell in re.findall(r'<td class="num">(.*?)</td>', row, re.S)]
            for label, row in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table, re.S)
        }
        labels = {"investigation": "Investigation", "decision": "Decision"}

        for (stage, status), count in expected.items():
            cell = rows[labels[stage]][columns.index(status)]
            link = re.fullmatch(r'<a href="([^"]+)">(\d+)</a>', cell)
            assert link, (stage, status, cell)
            assert int(link.group(2)) == count, (stage, status)
            listed = client.get(unescape(link.group(1))).context["page"].paginator.count
            assert listed == count, (stage, status)

        # A head: their department's overdue cases in "My department"; the month's compliance
        # counts closed cases, which that queue cannot list: no link there.
        head = client_for(org.head)
        table = re.search(
            r'data-testid="deadlines-table".*?</table>', head.get(URL).content.decode(), re.S
        ).group(0)
        row = re.search(r'<th scope="row">Investigation</th>(.*?)</tr>', table, re.S).group(1)
        cells = [cell.strip() for cell in re.findall(r'<td class="num">(.*?)</td>', row, re.S)]
        link = re.fullmatch(r'<a href="([^"]+)">(\d+)</a>', cells[0])
        assert link and int(link.group(2)) == 2
        assert link.group(1).startswith(reverse("queue", args=["department"]))
        assert head.get(unescape(link.group(1))).context["page"].paginator.count == 2
        assert "<a " not in cells[1]

    def test_a_parent_categorys_row_lists_exactly_the_cases_it_counts(
        self, org: Org, client_for, settings
    ) -> None:
        # "By category" counts each case under its own category: a parent's row leaves its
        # sub-categories' cases to their rows, and so does its list.
        settings.REPORTS_DASHBOARD_CACHE_SECONDS = 0
        parent = CategoryFactory(name="售后服务", code="after-sales")
        child = CategoryFactory(name="维修态度", code="repair-attitude", parent=parent)
        now = timezone.now()
        for minutes, category in ((10, parent), (20, child), (30, child), (40, child)):
            ComplaintFactory(
                received_at=now - timedelta(minutes=minutes),
                state=State.TRIAGE,
                department=org.service,
                category=category,
            )
        client = client_for(org.manager)
        page = client.get(URL).content.decode()
        table = re.search(r'data-testid="breakdown-category".*?</table>', page, re.S)
        assert table, "the category breakdown's table"
        rows = dict(
            re.findall(r'<th scope="row">(.*?)</th>\s*<td class="num">(.*?)</td>', table.group(0))
        )

        for name, count in (("售后服务", 1), ("维修态度", 3)):
            link = re.fullmatch(r'\s*<a href="([^"]+)">(\d+)</a>\s*', rows[name])
            assert link and int(link.group(2)) == count, name
            listed = client.get(unescape(link.group(1))).context["page"].paginator.count
            assert listed == count, name
        # The queue's own category filter still takes the sub-categories in
        everything = client.get(
            reverse("queue", args=["all"]), {"category": "after-sales"}
        ).context["page"]
        assert everything.paginator.count == 4

    def test_the_rising_rule_is_stated_with_its_settings(
        self, org: Org, client_for, settings
    ) -> None:
        settings.REPORTS_RISE_MIN_CASES = 7
        settings.REPORTS_RISE_MIN_PERCENT = 80
        settings.REPORTS_RISE_WINDOW_DAYS = 28

        page = client_for(org.manager).get(URL).content.decode()

        rule = re.search(r'data-testid="rise-rule">(.*?)</p>', page, re.S).group(1)
        assert "at least 7 complaints" in rule
        assert "last 28 days" in rule
        assert "80% more" in rule

    def test_every_chart_carries_its_data_beside_a_table(self, org: Org, client_for, cases) -> None:
        page = client_for(org.manager).get(URL).content.decode()

        for chart_id in ("chart-trend", "chart-ageing", "chart-channel", "chart-severity"):
            assert f'data-chart-id="{chart_id}"' in page
        # One table per chart, written by the chart component (the chart's text alternative).
        assert page.count('data-testid="chart-table"') == page.count('data-testid="chart"')

    def test_it_reads_in_chinese(self, org: Org, client_for, cases) -> None:
        page = client_for(org.manager, language="zh-hans").get(URL).content.decode()

        assert '<h1 data-testid="dashboard-title">投诉看板</h1>' in page
        assert "反复出现的问题" in page
        assert "上升判定：近 30 天" in page


# Session, user, permissions (two), the top bar (unread count, roles), and 21 for the figures:
# backlog, new cases, overdue clocks, compliance (clocks met, clocks breached and open), the
# calendar's revision, three durations,
# satisfaction, rates, redress, trend, five breakdowns, rising problems (two windows), repeat
# complainants (and their names, when there are any), the improvement actions to do and overdue. A head adds their department scope and the
# names of their departments. Within REPORTS_DASHBOARD_CACHE_SECONDS the figures come from the
# cache: the page alone.
@pytest.mark.parametrize(("who", "counting", "cached"), [("manager", 28, 6), ("head", 30, 8)])
def test_the_page_has_a_pinned_query_count(
    org: Org,
    client_for,
    django_assert_num_queries,
    settings,
    cases,
    who: str,
    counting: int,
    cached: int,
) -> None:
    client = client_for(getattr(org, who))
    settings.REPORTS_DASHBOARD_CACHE_SECONDS = 0
    client.get(URL)  # the session's first request may write to it; the calendar gets cached

    with django_assert_num_queries(counting):
        client.get(URL)
    settings.REPORTS_DASHBOARD_CACHE_SECONDS = 60
    with django_assert_num_queries(counting):
        client.get(URL)
    with django_assert_num_queries(cached):
        client.get(URL)


def test_cached_figures_are_the_scopes_own_and_expire(
    org: Org, client_for, settings, cases
) -> None:
    settings.REPORTS_DASHBOARD_CACHE_SECONDS = 60
    manager, head = client_for(org.manager), client_for(org.head)
    assert kpi_link(manager.get(URL).content.decode(), "open")[0] == 3
    assert kpi_link(head.get(URL).content.decode(), "open")[0] == 2  # not the manager's figures

    ComplaintFactory(state=State.TRIAGE, department=org.service, category=org.category)
    # Within the minute the counted figures stand (the page says when they were counted) ...
    assert kpi_link(manager.get(URL).content.decode(), "open")[0] == 3
    # ... and a new count follows once they expire.
    cache.clear()
    assert kpi_link(manager.get(URL).content.decode(), "open")[0] == 4
