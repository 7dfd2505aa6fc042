"""The notification inbox: newest first, unread highlighted and counted, opening marks read."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from complaints.models import Complaint, Notification, State
from complaints.selectors import complaint_is_visible_to
from complaints.services import notifications_mark_all_read
from tests.conftest import Org

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
INBOX_QUERIES = 9


def make(
    user: User,
    count: int = 1,
    *,
    complaint: Complaint | None = None,
    kind: str = Kind.REMINDER,
    read: bool = False,
) -> list[Notification]:
    """`count` notifications for `user`, a minute apart, the last one newest."""
    now = timezone.now()
    start = Notification.objects.count()
    return [
        Notification.objects.create(
            recipient=user,
            kind=kind,
            complaint=complaint,
            subject=f"通知 {start + i}",
            body=f"正文 {start + i}",
            key=f"test:{start + i}",
            created_at=now - timedelta(minutes=count - i),
            read_at=now if read else None,
        )
        for i in range(count)
    ]


def subjects(response) -> list[str]:
    return [n.subject for g in response.context["groups"] for n in g.notifications]


class TestInbox:
    def test_newest_first_with_kind_and_unread_marked(
        self, org: Org, client_for, new_complaint
    ) -> None:
        complaint = new_complaint()
        old = make(org.handler, kind=Kind.ASSIGNMENT, complaint=complaint, read=True)[0]
        new = make(org.handler, kind=Kind.ESCALATION, complaint=complaint)[0]

        response = client_for(org.handler).get(reverse("notifications"))

        assert subjects(response) == [new.subject, old.subject]
        page = response.content.decode()
        assert "Escalation" in page and "Assignment" in page
        assert 'data-unread="true"' in page and 'data-unread="false"' in page
        assert complaint.reference in page

    def test_only_ones_own_notifications(self, org: Org, client_for) -> None:
        make(org.head, 2)
        mine = make(org.handler)[0]

        assert subjects(client_for(org.handler).get(reverse("notifications"))) == [mine.subject]

    def test_the_unread_view(self, org: Org, client_for) -> None:
        make(org.handler, 2, read=True)
        unread = make(org.handler)[0]

        response = client_for(org.handler).get(reverse("notifications") + "?show=unread")

        assert subjects(response) == [unread.subject]

    def test_an_empty_inbox_says_so(self, org: Org, client_for) -> None:
        page = client_for(org.handler).get(reverse("notifications")).content.decode()

        assert 'data-testid="inbox-empty"' in page

    def test_pages_of_25(self, org: Org, client_for) -> None:
        made = make(org.handler, 30)
        client = client_for(org.handler)

        first = client.get(reverse("notifications"))
        second = client.get(reverse("notifications") + "?page=2")

        assert len(subjects(first)) == 25
        assert subjects(second) == [n.subject for n in reversed(made[:5])]

    def test_the_unread_count_is_in_the_navigation(self, org: Org, client_for) -> None:
        make(org.handler, 3)
        make(org.handler, 2, read=True)
        make(org.head, 4)

        page = client_for(org.handler).get(reverse("queue", args=["mine"])).content.decode()

        assert 'data-testid="unread-count">3<' in page

    def test_no_count_badge_when_everything_is_read(self, org: Org, client_for) -> None:
        make(org.handler, 2, read=True)

        page = client_for(org.handler).get(reverse("notifications")).content.decode()

        assert 'data-testid="unread-count"' not in page


class TestOpenAndMarkRead:
    def test_opening_marks_read_and_goes_to_the_case(
        self, org: Org, client_for, new_complaint
    ) -> None:
        complaint = new_complaint()
        notification = make(org.handler, complaint=complaint)[0]

        response = client_for(org.handler).post(
            reverse("notification_open", args=[notification.pk])
        )

        notification.refresh_from_db()
        assert notification.read_at is not None
        assert response.status_code == 302
        assert response["Location"] == reverse("case_detail", args=[complaint.reference])

    def test_one_without_a_case_is_marked_read_in_the_inbox(self, org: Org, client_for) -> None:
        notification = make(org.handler, kind=Kind.CALENDAR)[0]

        response = client_for(org.handler).post(
            reverse("notification_open", args=[notification.pk]),
            {"then": "inbox", "page": "2", "show": "unread"},
        )

        assert response["Location"] == reverse("notifications") + "?page=2&show=unread"
        notification.refresh_from_db()
        assert notification.read_at is not None

    def test_someone_elses_notification_is_not_found_and_stays_unread(
        self, org: Org, client_for
    ) -> None:
        theirs = make(org.head)[0]

        response = client_for(org.handler).post(reverse("notification_open", args=[theirs.pk]))

        assert response.status_code == 404
        theirs.refresh_from_db()
        assert theirs.read_at is None

    def test_opening_is_a_post(self, org: Org, client_for) -> None:
        notification = make(org.handler)[0]

        response = client_for(org.handler).get(reverse("notification_open", args=[notification.pk]))

        assert response.status_code == 405
        notification.refresh_from_db()
        assert notification.read_at is None

    def test_mark_all_read(self, org: Org, client_for) -> None:
        make(org.handler, 3)
        others = make(org.head, 2)
        client = client_for(org.handler)

        response = client.post(reverse("notifications_mark_all_read"), follow=True)

        assert not Notification.objects.filter(recipient=org.handler, read_at__isnull=True)
        assert all(
            n.read_at is None for n in Notification.objects.filter(pk__in=[o.pk for o in others])
        )
        page = response.content.decode()
        assert "3 notifications marked as read." in page
        assert 'data-testid="unread-count"' not in page

    def test_the_service_reports_how_many_changed_and_is_idempotent(self, org: Org) -> None:
        make(org.handler, 2)
        make(org.handler, read=True)

        assert notifications_mark_all_read(user=org.handler) == 2
        assert notifications_mark_all_read(user=org.handler) == 0


class TestQueryCounts:
    def test_the_inbox_costs_the_same_for_3_as_for_30(
        self, org: Org, client_for, new_complaint
    ) -> None:
        complaint = new_complaint()
        client = client_for(org.handler)
        make(org.handler, 3, complaint=complaint)
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("notifications"))

        make(org.handler, 27, complaint=complaint)
        with CaptureQueriesContext(connection) as many:
            response = client.get(reverse("notifications"))

        assert len(subjects(response)) == 25
        assert len(many.captured_queries) == len(few.captured_queries)


def settle(notifications: list[Notification], by: User | None) -> None:
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        settled_at=timezone.now(),
        settled_by=by,
        settled_reason=Notification.Settled.APPROVED,
    )


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


class TestGroupedAndSettled:
    def test_grouped_by_case_with_the_reference_once(
        self, org: Org, client_for, new_complaint
    ) -> None:
        first, second = new_complaint(), new_complaint()
        make(org.handler, 2, complaint=first)
        make(org.handler, complaint=second)
        make(org.handler, kind=Kind.CALENDAR)
        # Subjects as the e-mail templates write them, the reference in front.
        for n in Notification.objects.filter(complaint__isnull=False):
            n.subject = f"[{n.complaint.reference}] 提醒：“调查”"
            n.save()

        response = client_for(org.handler).get(reverse("notifications"))

        groups = response.context["groups"]
        assert [g.complaint for g in groups] == [None, second, first]
        assert [len(g.notifications) for g in groups] == [1, 1, 2]
        inbox = response.content.decode().split('data-testid="inbox"')[1]
        text = visible_text(inbox)
        assert text.count(first.reference) == 1
        assert text.count(second.reference) == 1
        assert "提醒：“调查”" in text

    def test_a_settled_message_is_listed_done_with_who_and_when(
        self, org: Org, client_for, new_complaint
    ) -> None:
        complaint = new_complaint()
        done, still = make(org.manager, 2, complaint=complaint, kind=Kind.APPROVAL_REQUEST)
        settle([done], org.head)

        page = client_for(org.manager).get(reverse("notifications")).content.decode()

        item = page.split(f'id="notification-{done.pk}"')[1].split("</li>")[0]
        assert 'data-settled="true"' in page.split(f'id="notification-{done.pk}"')[0][-400:]
        assert "Done: Decision approved by" in item
        assert org.head.get_full_name() in item
        assert "btn-primary" not in item  # nothing to act on
        assert 'data-unread="true"' in page.split(f'id="notification-{still.pk}"')[0][-400:]

    def test_the_top_bar_counts_what_the_list_shows_unread(
        self, org: Org, client_for, new_complaint
    ) -> None:
        complaint = new_complaint()
        unread = make(org.handler, 4, complaint=complaint)
        make(org.handler, 2, complaint=complaint, read=True)
        settle(unread[:2], org.manager)  # settled before anyone read them
        make(org.handler, kind=Kind.CALENDAR)
        make(org.head, 3)

        page = client_for(org.handler).get(reverse("notifications")).content.decode()
        unread_only = client_for(org.handler).get(reverse("notifications") + "?show=unread")

        shown_unread = page.count('data-unread="true"')
        assert shown_unread == 3
        assert f'data-testid="unread-count">{shown_unread}<' in page
        assert len(subjects(unread_only)) == shown_unread

    def test_mark_all_read_answers_htmx_with_a_reload(self, org: Org, client_for) -> None:
        make(org.handler, 3)
        client = client_for(org.handler)

        response = client.post(
            reverse("notifications_mark_all_read"), {"show": "unread"}, HTTP_HX_REQUEST="true"
        )

        assert response.status_code == 204
        assert response["HX-Redirect"] == reverse("notifications") + "?show=unread"
        assert not Notification.objects.filter(recipient=org.handler, read_at__isnull=True)

    def test_mark_all_read_needs_the_csrf_token(self, org: Org) -> None:
        make(org.handler, 2)
        client = Client(enforce_csrf_checks=True)
        client.force_login(org.handler)

        response = client.post(reverse("notifications_mark_all_read"))

        assert response.status_code == 403
        assert Notification.objects.filter(recipient=org.handler, read_at__isnull=True).count() == 2

    def test_the_inbox_query_count_is_pinned(
        self, org: Org, client_for, new_complaint, django_assert_num_queries
    ) -> None:
        client = client_for(org.handler)
        cases = [new_complaint() for _ in range(3)]
        for complaint in cases:
            made = make(org.handler, 5, complaint=complaint, kind=Kind.APPROVAL_REQUEST)
            settle(made[:2], org.head)
            settle(made[2:3], org.manager)
        make(org.handler, 3, kind=Kind.CALENDAR)
        client.get(reverse("notifications"))  # the session and language settle

        # session, user (with their department), the paginator's count, the reader's department
        # scope (whether each case is still theirs to open), the page (cases and settlers joined,
        # that check an EXISTS per row), the top bar: two permission reads, the unread count,
        # role groups
        with django_assert_num_queries(INBOX_QUERIES):
            response = client.get(reverse("notifications"))

        assert len(response.context["groups"]) == 4


class TestACaseThatLeftTheirSight:
    """A head asked to approve a decision keeps the message after the case was handed to another
    department, but the inbox no longer links to the case or shows what it is now."""

    @pytest.fixture
    def handed_away(
        self, org: Org, client_for, complaint_in, flow
    ) -> tuple[Complaint, Notification]:
        from complaints.services import complaint_assign, complaint_hand_off

        complaint = complaint_in(State.DECISION)
        complaint = complaint_assign(complaint=complaint, actor=org.manager, assignee=org.handler)
        flow.propose(complaint, amount=5000, actor=org.handler)  # asks the head of service
        notification = Notification.objects.get(
            recipient=org.head, complaint=complaint, kind=Kind.APPROVAL_REQUEST
        )
        complaint.refresh_from_db()
        complaint_hand_off(
            complaint=complaint, actor=org.handler, to_department=org.legal, note="合同纠纷"
        )
        Complaint.objects.filter(pk=complaint.pk).update(subject="改后的标题：法务处理中")
        complaint.refresh_from_db()
        assert not complaint_is_visible_to(user=org.head, complaint=complaint)
        return complaint, notification

    def test_the_inbox_keeps_the_message_without_the_link_or_the_cases_current_details(
        self, org: Org, client_for, handed_away
    ) -> None:
        complaint, notification = handed_away

        page = client_for(org.head).get(reverse("notifications")).content.decode()

        # The message stays as it was sent (its text names the case, as the e-mail did); the
        # inbox neither links to the case nor shows what it is now.
        assert f'id="notification-{notification.pk}"' in page
        assert f'href="{reverse("case_detail", args=[complaint.reference])}"' not in page
        assert "改后的标题" not in page
        assert "You can no longer open this case." in page
        assert 'data-testid="notification-open"' not in page

    def test_opening_it_marks_it_read_and_stays_in_the_inbox(
        self, org: Org, client_for, handed_away
    ) -> None:
        _complaint, notification = handed_away

        response = client_for(org.head).post(reverse("notification_open", args=[notification.pk]))

        assert response.status_code == 302
        assert response["Location"] == reverse("notifications")
        notification.refresh_from_db()
        assert notification.read_at is not None

    def test_the_handler_who_handed_it_on_still_gets_the_link(
        self, org: Org, client_for, handed_away
    ) -> None:
        complaint, _notification = handed_away
        make(org.handler, complaint=complaint)

        page = client_for(org.handler).get(reverse("notifications")).content.decode()

        assert f'href="{reverse("case_detail", args=[complaint.reference])}"' in page
