"""The work queues: who sees what, filters, search, sorting, pagination and query counts."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Department
from complaints.models import CaseParticipant, Complaint, Severity, State
from tests.conftest import Org
from tests.factories import CategoryFactory, ComplaintFactory, UserFactory

pytestmark = pytest.mark.django_db


def queue_url(slug: str, **params: str) -> str:
    url = reverse("queue", args=[slug])
    return f"{url}?{urlencode(params, doseq=True)}" if params else url


def references(response) -> list[str]:
    """The references of the rows, in page order."""
    return [c.reference for c in response.context["complaints"]]


def pin(complaint: Complaint, **fields) -> Complaint:
    """Set fields the services would set over days (deadlines, escalation) straight away."""
    Complaint.objects.filter(pk=complaint.pk).update(**fields)
    complaint.refresh_from_db()
    return complaint


@pytest.fixture
def cases(org: Org, new_complaint, flow):
    """One case of each kind the queues tell apart, all owned by the service department,
    plus one case of the legal department."""
    now = timezone.now()
    # New cases' first-response deadline (24 h) would put them in "due soon": move it out.
    fresh = pin(new_complaint(subject="新投诉：空调噪音"), next_due_at=now + timedelta(days=2))
    triaging = pin(
        flow.run(new_complaint(subject="分拣中：洗衣机漏水"), "start_triage"),
        next_due_at=now + timedelta(days=2),
    )
    mine = pin(
        flow.advance(new_complaint(subject="我的案件：冰箱不制冷"), State.INVESTIGATION),
        assignee_id=org.handler.pk,
        next_due_at=now + timedelta(days=3),
    )
    due_soon = pin(
        flow.advance(new_complaint(subject="即将到期：电视黑屏"), State.INVESTIGATION),
        next_due_at=now + timedelta(hours=5),
    )
    overdue = pin(
        flow.advance(new_complaint(subject="已超期：热水器故障"), State.INVESTIGATION),
        next_due_at=now - timedelta(hours=2),
        escalation_level=1,
    )
    escalated = pin(
        flow.advance(new_complaint(subject="已升级：燃气灶漏气"), State.INVESTIGATION),
        escalation_level=3,
        next_due_at=now + timedelta(days=2),
    )
    closed = pin(
        flow.advance(new_complaint(subject="已结案：吸尘器"), State.CLOSED),
        escalation_level=2,
        next_due_at=None,
    )
    legal = pin(
        new_complaint(subject="法务部的案件", customer_phone="13900001111"),
        department_id=org.legal.pk,
        assignee_id=org.other_handler.pk,
        state=State.INVESTIGATION,
        next_due_at=now - timedelta(hours=1),
        escalation_level=1,
    )
    return {
        "fresh": fresh,
        "triaging": triaging,
        "mine": mine,
        "due_soon": due_soon,
        "overdue": overdue,
        "escalated": escalated,
        "closed": closed,
        "legal": legal,
    }


def refs(cases: dict[str, Complaint], *names: str) -> set[str]:
    return {cases[name].reference for name in names}


class TestQueueContents:
    @pytest.mark.parametrize(
        ("who", "slug", "expected"),
        [
            ("handler", "mine", {"mine"}),
            (
                "handler",
                "department",
                {"fresh", "triaging", "mine", "due_soon", "overdue", "escalated"},
            ),
            ("agent", "triage", {"fresh", "triaging"}),
            ("head", "triage", {"fresh", "triaging"}),
            ("manager", "due-soon", {"due_soon"}),
            ("manager", "overdue", {"overdue", "legal"}),
            ("handler", "overdue", {"overdue"}),
            ("manager", "escalated", {"overdue", "escalated", "legal"}),
            (
                "manager",
                "all",
                {"fresh", "triaging", "mine", "due_soon", "overdue", "escalated", "legal"},
            ),
            ("other_handler", "department", {"legal"}),
            ("other_handler", "mine", {"legal"}),
            ("other_handler", "overdue", {"legal"}),
            ("other_handler", "escalated", {"legal"}),
            ("other_handler", "due-soon", set()),
        ],
    )
    def test_each_queue_holds_its_open_cases_within_the_user_scope(
        self, org: Org, client_for, cases, who: str, slug: str, expected: set[str]
    ) -> None:
        response = client_for(getattr(org, who)).get(queue_url(slug))

        assert response.status_code == 200
        assert set(references(response)) == refs(cases, *expected)

    def test_a_handler_of_another_department_never_sees_the_case(
        self, org: Org, client_for, cases
    ) -> None:
        client = client_for(org.other_handler)
        service_case = cases["overdue"].reference

        for slug in ("mine", "department", "due-soon", "overdue", "escalated"):
            response = client.get(queue_url(slug, search=service_case))
            assert references(response) == [], slug
        assert client.get(queue_url("all")).status_code == 404

    def test_closed_cases_appear_in_all_only_when_asked_for(
        self, org: Org, client_for, cases
    ) -> None:
        client = client_for(org.manager)

        assert cases["closed"].reference not in references(client.get(queue_url("all")))
        closed = client.get(queue_url("all", state="closed"))
        assert references(closed) == [cases["closed"].reference]

    def test_working_queues_ignore_a_closed_state_filter(self, org: Org, client_for, cases) -> None:
        response = client_for(org.manager).get(queue_url("escalated", state="closed"))

        assert cases["closed"].reference not in references(response)

    def test_tab_counts(self, org: Org, client_for, cases) -> None:
        client = client_for(org.handler)
        page = client.get(queue_url("mine")).content.decode()
        # The page asks for its tabs' counts once loaded, and every minute after.
        counts_url = reverse("queue_tab_counts") + "?current=mine"
        assert f'hx-get="{counts_url}" hx-trigger="load, every 60s"' in page
        assert 'data-testid="queue-count-' not in page

        response = client.get(counts_url)

        assert response["Cache-Control"] == "no-store"
        assert response.context["queue_counts"] == {
            "mine": 1,
            "department": 6,
            "due-soon": 1,
            "overdue": 1,
            "escalated": 2,
            "handled": 0,  # the fixture pins the assignee without an assignment on the timeline
        }
        tabs = response.content.decode()
        assert 'data-testid="queue-count-department">6<' in tabs
        assert 'aria-current="page"' in tabs.split('data-testid="queue-tab-mine"')[1][:40]
        # The refreshed tabs keep refreshing, without asking again at once.
        assert f'hx-get="{counts_url}" hx-trigger="every 60s"' in tabs

    def test_tab_counts_need_a_signed_in_user(self, client) -> None:
        response = client.get(reverse("queue_tab_counts") + "?current=mine")
        assert response.status_code == 302

    def test_rows_escape_what_people_typed(self, org: Org, client_for) -> None:
        script = "<script>alert('x')</script>"
        case = ComplaintFactory(
            department=org.service,
            assignee=org.handler,
            subject=f'空调 {script}"',
            customer__name=f'"><img src=x onerror=alert(1)>{script}',
        )

        html = client_for(org.manager).get(queue_url("all")).content.decode()

        row = html.split(f'data-reference="{case.reference}"')[1].split("</tr>")[0]
        assert "<script>" not in row and "<img" not in row
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&quot;" in row
        assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in row

    def test_a_department_made_since_the_names_were_cached_is_named(
        self, org: Org, client_for
    ) -> None:
        client = client_for(org.manager)
        client.get(queue_url("all"))  # the names are cached now
        # bulk_create sends no signal: as if another process had just added it
        (newcomer,) = Department.objects.bulk_create(
            [Department(name="新成立的售后部", code="after-sales-new")]
        )
        ComplaintFactory(department=newcomer)

        html = client.get(queue_url("all")).content.decode()

        assert "新成立的售后部" in html.split('data-testid="queue-table"')[1]

    def test_rows_show_what_a_handler_needs_and_no_contact_details(
        self, org: Org, client_for, cases
    ) -> None:
        overdue = cases["overdue"]

        page = client_for(org.manager).get(queue_url("overdue")).content.decode()

        assert overdue.subject in page
        assert overdue.customer.name in page
        assert reverse("customer_detail", args=[overdue.customer_id]) in page
        assert org.category.name in page
        assert org.service.name in page
        assert "overdue by 2 h" in page
        assert "badge-late" in page
        assert "badge-level-1" in page
        assert "state-investigation" in page
        assert overdue.customer.phone not in page
        assert "13812345678" not in page

    def test_the_row_links_to_the_case_page(self, org: Org, client_for, cases) -> None:
        page = client_for(org.manager).get(queue_url("due-soon")).content.decode()

        case_url = reverse("case_detail", args=[cases["due_soon"].reference])
        assert f'href="{case_url}"' in page

    def test_an_empty_queue_says_so(self, org: Org, client_for) -> None:
        response = client_for(org.handler).get(queue_url("mine"))

        assert response.status_code == 200
        page = response.content.decode()
        assert 'data-testid="queue-empty"' in page
        assert "No open case is assigned to you." in page


class TestFiltersAndSearch:
    def test_filter_by_state(self, org: Org, client_for, cases) -> None:
        response = client_for(org.agent).get(queue_url("triage", state="triage"))

        assert references(response) == [cases["triaging"].reference]

    def test_filter_by_severity_and_category(self, org: Org, client_for, cases) -> None:
        pin(cases["due_soon"], severity=Severity.URGENT)
        sub = CategoryFactory(code="repair-parts", name="配件", parent=org.category)
        pin(cases["escalated"], category_id=sub.pk)
        client = client_for(org.manager)

        urgent = client.get(queue_url("all", severity="urgent"))
        by_parent = client.get(queue_url("all", category=org.category.code))
        by_sub = client.get(queue_url("all", category="repair-parts"))

        assert references(urgent) == [cases["due_soon"].reference]
        # A category includes its sub-categories.
        assert cases["escalated"].reference in references(by_parent)
        assert references(by_sub) == [cases["escalated"].reference]

    def test_filter_by_department_assignee_and_overdue(self, org: Org, client_for, cases):
        client = client_for(org.manager)

        legal = client.get(queue_url("all", department="legal"))
        assigned = client.get(queue_url("all", assignee="handler"))
        late = client.get(queue_url("all", overdue="true"))

        assert references(legal) == [cases["legal"].reference]
        assert references(assigned) == [cases["mine"].reference]
        assert set(references(late)) == refs(cases, "overdue", "legal")

    def test_filter_by_received_date(self, org: Org, client_for, cases) -> None:
        pin(cases["fresh"], received_at=timezone.now() - timedelta(days=40))
        day = timezone.localdate() - timedelta(days=40)
        client = client_for(org.manager)

        response = client.get(
            queue_url("all", received_on_after=day.isoformat(), received_on_before=day.isoformat())
        )

        assert references(response) == [cases["fresh"].reference]

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (None, "due_soon"),  # by reference (filled in below)
            ("电视黑屏", "due_soon"),  # by subject
            ("139 0000 1111", "legal"),  # by phone, written any way
        ],
        ids=["reference", "subject", "phone"],
    )
    def test_search(self, org: Org, client_for, cases, text: str | None, expected: str) -> None:
        text = text or cases[expected].reference

        response = client_for(org.manager).get(queue_url("all", search=text))

        assert references(response) == [cases[expected].reference]

    def test_search_never_reaches_outside_the_scope(self, org: Org, client_for, cases) -> None:
        response = client_for(org.handler).get(queue_url("department", search="13900001111"))

        assert references(response) == []

    def test_a_filter_that_makes_no_sense_is_reported_and_ignored(
        self, org: Org, client_for, cases
    ) -> None:
        response = client_for(org.agent).get(queue_url("triage", severity="tremendous"))

        assert response.status_code == 200
        assert 'data-testid="filter-errors"' in response.content.decode()
        assert set(references(response)) == refs(cases, "fresh", "triaging")

    def test_filters_are_kept_in_the_form(self, org: Org, client_for, cases) -> None:
        page = (
            client_for(org.manager)
            .get(queue_url("all", search="电视", severity="general"))
            .content.decode()
        )

        assert 'value="电视"' in page
        assert '<option value="general" selected>' in page

    def test_an_htmx_request_gets_only_the_results(self, org: Org, client_for, cases) -> None:
        response = client_for(org.manager).get(
            queue_url("all", search="电视"), headers={"HX-Request": "true"}
        )

        page = response.content.decode()
        assert page.lstrip().startswith('<div id="queue-results"')
        assert 'data-testid="topbar"' not in page
        assert cases["due_soon"].reference in page
        assert "HX-Request" in response["Vary"]

    def test_htmx_history_restore_and_boosted_links_get_the_whole_page(
        self, org: Org, client_for, cases
    ) -> None:
        client = client_for(org.manager)

        restore = client.get(
            queue_url("all"),
            headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
        )
        boosted = client.get(
            queue_url("all", page="1"), headers={"HX-Request": "true", "HX-Boosted": "true"}
        )

        assert 'data-testid="topbar"' in restore.content.decode()
        assert 'data-testid="topbar"' in boosted.content.decode()


def bulk(
    org: Org, count: int, *, due_in: timedelta = timedelta(hours=1), **fields
) -> list[Complaint]:
    """`count` open cases of the service department assigned to the handler, received a minute
    apart and due a minute apart from `due_in` on, oldest and nearest first."""
    now = timezone.now()
    return [
        ComplaintFactory(
            department=org.service,
            category=org.category,
            assignee=org.handler,
            received_at=now - timedelta(minutes=count - i),
            next_due_at=now + due_in + timedelta(minutes=i),
            **fields,
        )
        for i in range(count)
    ]


class TestSortingAndPages:
    def test_working_queues_sort_by_nearest_deadline_with_no_deadline_last(
        self, org: Org, client_for
    ) -> None:
        later, sooner = bulk(org, 2)[1], bulk(org, 1)[0]
        undated = ComplaintFactory(department=org.service, assignee=org.handler, next_due_at=None)
        pin(sooner, next_due_at=timezone.now() + timedelta(minutes=30))

        response = client_for(org.handler).get(queue_url("mine"))

        rows = references(response)
        assert rows[0] == sooner.reference
        assert rows[-1] == undated.reference
        assert rows.index(sooner.reference) < rows.index(later.reference)

    def test_sorting_by_received_time(self, org: Org, client_for) -> None:
        made = bulk(org, 3)
        client = client_for(org.handler)

        newest_first = client.get(queue_url("mine", ordering="-received_at"))
        oldest_first = client.get(queue_url("mine", ordering="received_at"))

        assert references(newest_first) == [c.reference for c in reversed(made)]
        assert references(oldest_first) == [c.reference for c in made]

    def test_the_all_queue_shows_the_newest_first_by_default(self, org: Org, client_for) -> None:
        made = bulk(org, 3)

        assert references(client_for(org.manager).get(queue_url("all"))) == [
            c.reference for c in reversed(made)
        ]

    def test_an_unknown_sort_falls_back_to_the_default(self, org: Org, client_for) -> None:
        made = bulk(org, 3)

        response = client_for(org.handler).get(queue_url("mine", ordering="password"))

        assert response.status_code == 200
        assert references(response) == [c.reference for c in made]

    def test_pages_of_25_and_page_links_keep_the_filters(self, org: Org, client_for) -> None:
        made = bulk(org, 30)
        client = client_for(org.handler)

        first = client.get(queue_url("mine", severity="general"))
        second = client.get(queue_url("mine", severity="general", page="2"))

        assert len(references(first)) == 25
        assert references(second) == [c.reference for c in made[25:]]
        page = first.content.decode()
        assert "severity=general&amp;page=2" in page
        assert "30 cases" in page

    def test_a_page_out_of_range_shows_the_last_page(self, org: Org, client_for) -> None:
        made = bulk(org, 30)

        response = client_for(org.handler).get(queue_url("mine", page="99"))

        assert references(response) == [c.reference for c in made[25:]]


class TestQueryCounts:
    @pytest.mark.parametrize(
        ("who", "slug", "due_in"),
        [
            ("handler", "mine", timedelta(days=2)),
            ("head", "department", timedelta(days=2)),
            ("agent", "triage", timedelta(days=2)),
            ("manager", "due-soon", timedelta(hours=1)),
            ("manager", "overdue", -timedelta(days=1)),
            ("auditor", "escalated", timedelta(days=2)),
            ("executive", "all", timedelta(days=2)),
        ],
    )
    def test_a_page_costs_the_same_for_3_rows_as_for_30(
        self, org: Org, client_for, who: str, slug: str, due_in: timedelta
    ) -> None:
        client = client_for(getattr(org, who))
        bulk(org, 3, escalation_level=1, due_in=due_in)
        cache.clear()  # both requests build the filter bar's lists (the factories' users reset it)
        with CaptureQueriesContext(connection) as few:
            response = client.get(queue_url(slug, search="产品"))
        assert len(references(response)) == 3

        bulk(org, 27, escalation_level=1, due_in=due_in)
        cache.clear()
        with CaptureQueriesContext(connection) as many:
            response = client.get(queue_url(slug, search="产品"))

        assert len(references(response)) == 25
        assert len(many.captured_queries) == len(few.captured_queries)

    # Session, user (with their department), permissions (two), the page count, the rows (with their customers), unread
    # count and roles; the lists of the user's department scope add the department tree (one
    # query: whether they head their department, and its subtree). The names of categories, departments and people and the
    # filter bar's lists come from the cache (see below), the tab counts afterwards.
    @pytest.mark.parametrize(
        ("who", "slug", "queries"),
        [
            ("handler", "mine", 8),
            ("handler", "department", 9),
            ("handler", "due-soon", 9),
            ("handler", "escalated", 9),
            ("handler", "handled", 8),
            ("head", "department", 9),
            ("head", "triage", 9),
            ("head", "due-soon", 9),
            ("head", "escalated", 9),
            ("head", "handled", 8),
            ("agent", "triage", 8),
            ("agent", "all", 8),
            ("agent", "handled", 8),
            ("manager", "all", 8),
            ("manager", "due-soon", 8),
            ("manager", "escalated", 8),
            ("manager", "handled", 8),
            ("executive", "all", 8),
            ("auditor", "all", 8),
        ],
    )
    def test_each_queue_page_has_a_pinned_query_count(
        self, org: Org, client_for, django_assert_num_queries, who: str, slug: str, queries: int
    ) -> None:
        cases = bulk(org, 30, escalation_level=1)
        CaseParticipant.objects.bulk_create(
            [
                CaseParticipant(complaint=case, user=person)
                for case in cases
                for person in (org.handler, org.head, org.agent, org.manager)
            ]
        )
        client = client_for(getattr(org, who))
        client.get(queue_url(slug))  # the session's first request may write to it

        with django_assert_num_queries(queries):
            response = client.get(queue_url(slug))

        assert len(references(response)) == 25

    def test_rows_need_no_query_each(self, org: Org, client_for) -> None:
        bulk(org, 30)
        client = client_for(org.handler)
        client.get(queue_url("mine"))

        with CaptureQueriesContext(connection) as ctx:
            response = client.get(queue_url("mine"))

        assert len(references(response)) == 25
        # Session, user, permissions, page count, rows, unread count and role: a fixed budget
        # whatever the page holds.
        assert len(ctx.captured_queries) <= 8

    @pytest.mark.parametrize(("who", "queries"), [("handler", 6), ("head", 6), ("manager", 5)])
    def test_the_tab_counts_are_one_statement(
        self, org: Org, client_for, django_assert_num_queries, who: str, queries: int
    ) -> None:
        bulk(org, 30, escalation_level=1)
        client = client_for(getattr(org, who))
        client.get(reverse("queue_tab_counts"))

        # Session, user, permissions (two), the department scope (handler, head) and the counts
        # of every tab in one statement.
        with django_assert_num_queries(queries):
            client.get(reverse("queue_tab_counts") + "?current=overdue")

    def test_the_filter_lists_come_from_the_cache_until_one_of_them_changes(
        self, org: Org, client_for
    ) -> None:
        bulk(org, 3)
        client = client_for(org.manager)
        client.get(queue_url("all"))
        with CaptureQueriesContext(connection) as warm:
            client.get(queue_url("all"))

        org.service.name = "客户关怀部"
        org.service.save()
        with CaptureQueriesContext(connection) as after_change:
            response = client.get(queue_url("all"))

        # Categories, departments and people are read again, once for the rows' names and once
        # for the filter bar's lists.
        assert len(after_change.captured_queries) == len(warm.captured_queries) + 6
        html = response.content.decode()
        department_select = html.split('name="department"')[1]
        assert "客户关怀部" in department_select.split("</select>")[0]
        assert "客户关怀部" in html.split('data-testid="queue-table"')[1]  # the rows' column

        newcomer = UserFactory(first_name="新", last_name="同事", department=org.service)
        response = client.get(queue_url("all"))
        assignee_select = response.content.decode().split('name="assignee"')[1]
        assert f'value="{newcomer.username}"' in assignee_select.split("</select>")[0]

        # A sign-in only stamps last_login: the lists stay cached.
        org.handler.save(update_fields=["last_login"])
        with CaptureQueriesContext(connection) as after_sign_in:
            client.get(queue_url("all"))
        assert len(after_sign_in.captured_queries) == len(warm.captured_queries)


class TestBlankFilterBar:
    """A queue opened without filters shows the blank filter bar, rendered once per queue, sort
    and language and kept in the cache; a filtered one renders its own."""

    @staticmethod
    def bar(response) -> str:
        html = response.content.decode()
        start = html.index('<form class="filterbar"')
        return html[start : html.index("</form>", start)]

    def test_the_blank_bar_is_the_one_a_filtered_page_would_show_with_nothing_chosen(
        self, org: Org, client_for
    ) -> None:
        bulk(org, 3)
        client = client_for(org.manager)
        first = client.get(queue_url("all"))
        cached = client.get(queue_url("all"))
        assert self.bar(cached) == self.bar(first)
        assert cached.context["filter"] is None  # no filter set was built for it
        # A filtered page builds its bar from its filter set; cleared, it shows the blank one.
        filtered = client.get(queue_url("all", severity="urgent"))
        assert filtered.context["filter"] is not None
        assert self.bar(filtered) != self.bar(cached)
        assert self.bar(client.get(queue_url("all"))) == self.bar(cached)

    def test_the_bar_keeps_the_sort_and_a_filter_shows_its_choice(
        self, org: Org, client_for
    ) -> None:
        bulk(org, 3)
        client = client_for(org.manager)
        due = self.bar(client.get(queue_url("all", ordering="due")))
        assert '<option value="due" selected>' in due
        assert '<option value="-received_at" selected>' not in due
        newest = self.bar(client.get(queue_url("all", ordering="-received_at")))
        assert '<option value="-received_at" selected>' in newest
        assert '<option value="due" selected>' not in newest

        filtered = client.get(queue_url("all", severity="urgent"))
        assert '<option value="urgent" selected>' in self.bar(filtered)
        assert 'data-testid="queue-clear"' in self.bar(filtered)
        assert 'data-testid="queue-clear"' not in self.bar(client.get(queue_url("all")))

    def test_each_language_and_queue_has_its_own_blank_bar(self, org: Org, client_for) -> None:
        bulk(org, 3)
        client = client_for(org.manager)
        client.cookies["django_language"] = "zh-hans"
        chinese = self.bar(client.get(queue_url("all")))
        client.cookies["django_language"] = "en"
        english = self.bar(client.get(queue_url("all")))
        assert "全部严重程度" in chinese
        assert "Any severity" in english and "Any severity" not in chinese
        handled = self.bar(client.get(queue_url("handled")))
        assert f'action="{queue_url("handled")}"' in handled
        assert f'action="{queue_url("all")}"' in english

    def test_an_unknown_sort_is_said_as_before(self, org: Org, client_for) -> None:
        bulk(org, 3)
        response = client_for(org.manager).get(queue_url("all", ordering="nonsense"))
        assert response.status_code == 200
        assert 'data-testid="filter-errors"' in response.content.decode()


class TestLongQueues:
    """Counts stop at a cap so that a queue over a million cases costs what a short one does."""

    def test_a_tab_count_past_the_cap_reads_cap_plus(self, org: Org, client_for, monkeypatch):
        monkeypatch.setattr("complaints.queues.COUNT_CAP", 3)
        monkeypatch.setattr("complaints.views.queues.COUNT_CAP", 3)
        bulk(org, 5)

        response = client_for(org.handler).get(reverse("queue_tab_counts") + "?current=mine")

        assert response.context["queue_counts"]["mine"] == 4  # cap + 1: "more than the cap"
        assert 'data-testid="queue-count-mine">3+<' in response.content.decode()

    def test_a_list_past_the_paginator_cap_says_more_than(self, org: Org, client_for):
        from complaints.views.paging import CappedPaginator

        bulk(org, 5)
        complaints = Complaint.objects.order_by("pk")

        capped = CappedPaginator(complaints, 2, cap=4)
        exact = CappedPaginator(complaints, 2, cap=5)

        assert (capped.count, capped.capped, capped.num_pages) == (4, True, 2)
        assert (exact.count, exact.capped, exact.num_pages) == (5, False, 3)
        assert [c.pk for c in capped.page(2).object_list] == [c.pk for c in complaints[2:4]]
