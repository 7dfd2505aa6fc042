"""The improvement actions' pages (issue 18 §1): the list and its queues, a new action from a
case, from a dashboard row or on its own, the action's page with its moves and effect figures,
the case page's card, and the dashboard's counts."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from complaints.models import ActionStatus, CaseEvent, ImprovementAction
from complaints.services.improvement import improvement_action_record
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
LIST = reverse("reports:improvement_list")
NEW = reverse("reports:improvement_new")


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def monday(time_machine):
    time_machine.move_to(datetime(2026, 11, 16, 10, tzinfo=SHANGHAI), tick=False)


def action_of(org, department=None, owner=None, due=date(2026, 11, 27), **extra):
    return improvement_action_record(
        actor=org.manager,
        title="维修完工后增加制冷测试",
        root_cause="process",
        department=department or org.service,
        owner=owner or org.handler,
        due_date=due,
        category=org.category,
        **extra,
    )


class TestList:
    def test_queues_by_role(self, org, client_for, monday) -> None:
        mine = action_of(org)
        theirs = action_of(org, department=org.legal, owner=org.other_handler)
        head = text(client_for(org.head).get(LIST))
        assert 'data-testid="tab-department"' in head and 'data-testid="tab-all"' not in head
        assert f'data-id="{mine.pk}"' in head and f'data-id="{theirs.pk}"' not in head
        manager = text(client_for(org.manager).get(LIST, {"show": "all", "status": ""}))
        assert f'data-id="{mine.pk}"' in manager and f'data-id="{theirs.pk}"' in manager
        # A tab one may not have falls back to one's own.
        handler = client_for(org.other_handler).get(LIST, {"show": "all", "status": "nonsense"})
        assert handler.context["show"] == "mine" and handler.context["status"] == "live"
        assert [a.pk for a in handler.context["actions"]] == [theirs.pk]

    def test_overdue_filter(self, org, client_for, monday, time_machine) -> None:
        early = action_of(org, due=date(2026, 11, 18))
        later = action_of(org)
        time_machine.move_to(datetime(2026, 11, 20, 9, tzinfo=SHANGHAI), tick=False)
        page = client_for(org.manager).get(LIST, {"show": "all", "status": "overdue"})
        assert [a.pk for a in page.context["actions"]] == [early.pk]
        assert 'data-testid="action-overdue"' in text(page)
        everything = client_for(org.manager).get(LIST, {"show": "all", "status": "live"})
        assert [a.pk for a in everything.context["actions"]] == [early.pk, later.pk]

    def test_the_list_costs_a_fixed_number_of_queries(
        self, org, client_for, django_assert_num_queries, monday
    ) -> None:
        action_of(org)
        client = client_for(org.head)
        client.get(LIST)
        # Session, user, permissions (two), the department tree (tabs and the list's scope), the
        # page count, the rows with owner (and their department), department and category; the
        # menu's unread count and role.
        with django_assert_num_queries(9):
            client.get(LIST)
        for _i in range(8):
            action_of(org)
        with django_assert_num_queries(9):
            response = client.get(LIST)
        assert len(response.context["actions"]) == 9

    def test_who_may_open_it(self, org, client_for, monday) -> None:
        for user in (org.agent, org.handler, org.head, org.manager, org.executive, org.auditor):
            assert client_for(user).get(LIST).status_code == 200
        assert client_for(org.handler).get(NEW).status_code == 403
        assert client_for(None).get(LIST).status_code == 302


class TestNew:
    def test_from_a_case(self, org, client_for, new_complaint, monday) -> None:
        case = new_complaint(product_or_service="格力空调")
        client = client_for(org.manager)
        form = client.get(NEW, {"complaint": case.reference})
        assert form.status_code == 200
        initial = form.context["form"].initial
        assert initial["complaint"] == case.reference and initial["product"] == "格力空调"
        assert initial["category"] == org.category.pk
        assert case.reference in text(form)
        bad = client.post(NEW, {"complaint": case.reference, "title": ""})
        assert bad.status_code == 422
        done = client.post(
            NEW,
            {
                "complaint": case.reference,
                "title": "维修后增加制冷测试",
                "root_cause": "process",
                "department": org.service.pk,
                "owner": org.handler.pk,
                "due_date": "2026-11-21",  # a Saturday
                "check_days": 30,
            },
        )
        assert done.status_code == 422
        assert "working day" in text(done)
        done = client.post(
            NEW,
            {
                "complaint": case.reference,
                "title": "维修后增加制冷测试",
                "root_cause": "process",
                "department": org.service.pk,
                "owner": org.handler.pk,
                "due_date": "2026-11-27",
                "check_days": 30,
                "category": org.category.pk,
            },
        )
        assert done.status_code == 302
        action = ImprovementAction.objects.get()
        assert action.origin == "case" and done["Location"] == reverse(
            "reports:improvement_detail", args=[action.pk]
        )
        # The case page shows it.
        page = text(client.get(reverse("case_detail", args=[case.reference])))
        assert 'data-testid="case-action"' in page and f"#{action.pk}" in page

    def test_from_a_dashboard_row(self, org, client_for, monday) -> None:
        client = client_for(org.manager)
        form = client.get(NEW, {"category": org.category.code, "from": "report"})
        assert form.context["form"].initial["category"] == org.category.pk
        assert form.context["form"].initial["from_report"] is True
        product = client.get(NEW, {"product": "空调A", "from": "report"})
        assert product.context["form"].initial["product"] == "空调A"


class TestDetail:
    def test_the_owner_moves_it_and_the_manager_checks_it(
        self, org, client_for, new_complaint, time_machine, monday
    ) -> None:
        case = new_complaint()
        action = action_of(org, complaint=case.reference, check_days=7)
        url = reverse("reports:improvement_detail", args=[action.pk])
        owner = client_for(org.handler)
        page = text(owner.get(url))
        assert 'data-testid="action-start"' in page and 'data-testid="action-verify"' not in page
        # Someone else of the department reads it but moves nothing.
        assert 'data-testid="action-complete"' not in text(client_for(org.head).get(url))
        assert (
            client_for(org.head)
            .post(reverse("reports:improvement_complete", args=[action.pk]), {"evidence": "x"})
            .status_code
            == 403
        )
        refused = owner.post(reverse("reports:improvement_complete", args=[action.pk]), {})
        assert refused.status_code == 422
        owner.post(
            reverse("reports:improvement_complete", args=[action.pk]), {"evidence": "已培训"}
        )
        ComplaintFactory(
            received_at=datetime(2026, 11, 12, 10, tzinfo=SHANGHAI), category=org.category
        )
        manager = client_for(org.manager)
        early = manager.post(
            reverse("reports:improvement_verify", args=[action.pk]),
            {"effective": "yes", "note": "好"},
        )
        assert early.status_code == 302  # refused with a message: the period runs
        action.refresh_from_db()
        assert action.status == ActionStatus.DONE
        time_machine.move_to(datetime(2026, 11, 24, 9, tzinfo=SHANGHAI), tick=False)
        manager = client_for(org.manager)  # a new session: the old one expired meanwhile
        page = manager.get(url)
        # 9–15 November: the case above (the case of the action came on the day it was done).
        assert (page.context["effect"].before, page.context["effect"].after) == (1, 0)
        assert 'data-testid="effect-figures"' in text(page)
        manager.post(
            reverse("reports:improvement_verify", args=[action.pk]),
            {"effective": "no", "note": "同类投诉未减少"},
        )
        action.refresh_from_db()
        assert action.status == ActionStatus.NOT_EFFECTIVE
        assert action.effect_before == page.context["effect"].before
        assert list(
            CaseEvent.objects.filter(complaint=case, kind=CaseEvent.Kind.IMPROVEMENT_ACTION)
            .order_by("at", "id")
            .values_list("data__what", flat=True)
        ) == ["created", "done", "verified"]

    def test_out_of_reach_reads_as_missing(self, org, client_for, monday) -> None:
        legal = action_of(org, department=org.legal, owner=org.other_handler)
        url = reverse("reports:improvement_detail", args=[legal.pk])
        assert client_for(org.head).get(url).status_code == 404
        assert client_for(org.auditor).get(url).status_code == 200

    def test_linking_a_case(self, org, client_for, new_complaint, monday) -> None:
        action = action_of(org)
        case = new_complaint()
        client = client_for(org.manager)
        link = reverse("reports:improvement_link", args=[action.pk])
        assert client.post(link, {"complaint": "CP-1999-000001"}).status_code == 422
        assert client.post(link, {"complaint": case.reference}).status_code == 302
        page = text(client.get(reverse("reports:improvement_detail", args=[action.pk])))
        assert case.reference in page


def test_the_dashboard_counts_actions_and_offers_one_per_rising_row(
    org, client_for, settings, monday, time_machine
) -> None:
    settings.REPORTS_DASHBOARD_CACHE_SECONDS = 0
    action_of(org, due=date(2026, 11, 18))
    action_of(org)
    for day in range(6):
        ComplaintFactory(
            received_at=datetime(2026, 11, 10 + day, 10, tzinfo=SHANGHAI),
            category=org.category,
            department=org.service,
        )
    time_machine.move_to(datetime(2026, 11, 20, 9, tzinfo=SHANGHAI), tick=False)
    page = client_for(org.manager).get(reverse("reports:dashboard"))
    body = text(page)
    assert 'data-testid="kpi-actions-open"' in body and 'data-testid="kpi-actions-overdue"' in body
    kpis = {kpi["id"]: kpi for kpi in page.context["kpis"]}
    assert (kpis["actions-open"]["value"], kpis["actions-overdue"]["value"]) == (2, 1)
    assert "status=overdue" in kpis["actions-overdue"]["link"]
    assert 'data-testid="rising-start-action"' in body
    head = client_for(org.head).get(reverse("reports:dashboard"))
    assert "show=department" in {k["id"]: k for k in head.context["kpis"]}["actions-open"]["link"]
