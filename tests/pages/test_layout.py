"""The layout every staff page shares: navigation by role, the home redirect, shared tags."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from complaints.templatetags.workspace import badge_class, time_left_text
from sla.selectors import Deadline
from tests.conftest import Org

pytestmark = pytest.mark.django_db


def nav_of(client: Client) -> str:
    return client.get(reverse("notifications")).content.decode()


class TestHome:
    @pytest.mark.parametrize(
        ("who", "queue"),
        [
            ("agent", "triage"),
            ("handler", "mine"),
            ("head", "department"),
            ("auditor", "all"),
        ],
    )
    def test_each_role_lands_on_its_natural_queue(
        self, org: Org, client_for, who: str, queue: str
    ) -> None:
        response = client_for(getattr(org, who)).get(reverse("home"))

        assert response.status_code == 302
        assert response["Location"] == reverse("queue", args=[queue])
        assert client_for(getattr(org, who)).get(response["Location"]).status_code == 200

    @pytest.mark.parametrize("who", ["manager", "executive"])
    def test_managers_and_executives_land_on_the_dashboard(
        self, org: Org, client_for, who: str
    ) -> None:
        response = client_for(getattr(org, who)).get(reverse("home"))

        assert response.status_code == 302
        assert response["Location"] == reverse("reports:dashboard")
        assert client_for(getattr(org, who)).get(response["Location"]).status_code == 200

    def test_anonymous_visitors_go_to_sign_in(self, org: Org) -> None:
        response = Client().get(reverse("home"))

        assert response.status_code == 302
        assert response["Location"] == reverse("login")

    def test_a_user_without_a_role_still_lands_somewhere_that_works(
        self, org: Org, client_for
    ) -> None:
        nobody = User.objects.create_user(username="nobody", password="x")

        response = client_for(nobody).get(reverse("home"), follow=True)

        assert response.status_code == 200


class TestNavigation:
    def test_an_agent_sees_new_complaint_and_their_queues(self, org: Org, client_for) -> None:
        page = nav_of(client_for(org.agent))

        assert 'data-testid="nav-new-complaint"' in page
        assert 'href="/complaints/new/"' in page
        for slug in ("mine", "triage", "due-soon", "overdue", "escalated", "all"):
            assert f'data-testid="queue-tab-{slug}"' in page
        assert 'data-testid="queue-tab-department"' not in page

    def test_a_handler_sees_no_new_complaint_and_no_all_queue(self, org: Org, client_for) -> None:
        page = nav_of(client_for(org.handler))

        assert 'data-testid="nav-new-complaint"' not in page
        assert 'data-testid="queue-tab-all"' not in page
        assert 'data-testid="queue-tab-triage"' not in page
        assert 'data-testid="queue-tab-mine"' in page
        assert 'data-testid="queue-tab-department"' in page

    def test_the_all_queue_is_not_found_for_a_handler(self, org: Org, client_for) -> None:
        assert client_for(org.handler).get(reverse("queue", args=["all"])).status_code == 404

    def test_an_unknown_queue_is_not_found(self, org: Org, client_for) -> None:
        assert client_for(org.manager).get(reverse("queue", args=["nope"])).status_code == 404

    def test_the_auditor_reads_only(self, org: Org, client_for) -> None:
        page = nav_of(client_for(org.auditor))

        assert 'data-testid="nav-new-complaint"' not in page
        assert 'data-testid="queue-tab-mine"' not in page
        assert 'data-testid="queue-tab-all"' in page

    def test_name_and_role_are_shown(self, org: Org, client_for) -> None:
        page = nav_of(client_for(org.head))

        assert org.head.get_full_name() in page
        assert "Department head" in page
        assert org.service.name in page

    def test_the_admin_link_is_for_staff_users_only(self, org: Org, client_for) -> None:
        assert 'data-testid="nav-admin"' not in nav_of(client_for(org.manager))
        User.objects.filter(pk=org.manager.pk).update(is_staff=True, is_superuser=True)
        org.manager.refresh_from_db()

        assert 'data-testid="nav-admin"' in nav_of(client_for(org.manager))

    def test_sign_out_and_language_are_forms_that_post(self, org: Org, client_for) -> None:
        page = nav_of(client_for(org.agent))

        assert f'action="{reverse("logout")}" method="post"' in page
        assert f'action="{reverse("language")}" method="post"' in page

    def test_htmx_is_served_from_our_own_static_files(self, org: Org, client_for) -> None:
        page = nav_of(client_for(org.agent))

        assert "/static/django_htmx/htmx" in page
        assert "://unpkg" not in page and "cdn" not in page.lower()

    def test_pages_need_a_signed_in_user(self, org: Org) -> None:
        for url in (
            reverse("queue", args=["mine"]),
            reverse("notifications"),
            reverse("customer_detail", args=[1]),
        ):
            response = Client().get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))

    def test_the_not_found_page_keeps_the_layout(self, org: Org, client_for) -> None:
        response = client_for(org.agent).get("/no/such/page/")

        assert response.status_code == 404
        page = response.content.decode()
        assert 'data-testid="topbar"' in page
        assert "Nothing here" in page


class TestDeadlineTags:
    NOW = timezone.now()

    @pytest.fixture(autouse=True)
    def _english(self):
        with translation.override("en"):
            yield

    @pytest.mark.parametrize(
        ("offset", "text"),
        [
            (timedelta(hours=3, minutes=20, seconds=30), "3 h 20 min left"),
            (timedelta(minutes=5, seconds=10), "5 min left"),
            (timedelta(days=2, hours=4, minutes=30), "2 d 4 h left"),
            (-timedelta(days=2, hours=4, minutes=1), "overdue by 2 d 4 h"),
            (-timedelta(minutes=42, seconds=5), "overdue by 42 min"),
        ],
    )
    def test_time_left(self, offset: timedelta, text: str) -> None:
        assert time_left_text(self.NOW + offset, now=self.NOW) == text

    def test_time_left_of_nothing_is_empty(self) -> None:
        assert time_left_text(None) == ""

    @pytest.mark.parametrize(
        ("offset", "kwargs", "css"),
        [
            (timedelta(days=3), {}, "badge-ok"),
            (timedelta(hours=23), {}, "badge-warn"),
            (-timedelta(minutes=1), {}, "badge-late"),
            (-timedelta(days=1), {"paused": True}, "badge-paused"),
            (-timedelta(days=1), {"met": True}, "badge-done"),
        ],
    )
    def test_badge_class(self, offset: timedelta, kwargs: dict, css: str) -> None:
        assert badge_class(self.NOW + offset, now=self.NOW, **kwargs) == css

    def test_the_filter_and_tag_render_in_templates(self) -> None:
        due = timezone.now() + timedelta(hours=2, minutes=30, seconds=30)
        html = Template(
            "{% load workspace %}{{ due|time_left }}|{% deadline_badge_class due %}"
            "|{% deadline_badge_class due True %}|{{ due|deadline_badge_class }}"
            "|{% deadline_badge_class due met=True %}"
        ).render(Context({"due": due}))

        assert html == "2 h 30 min left|badge-warn|badge-paused|badge-warn|badge-done"

    def test_the_deadline_badge_shows_stage_due_time_and_state(self) -> None:
        due = timezone.now() - timedelta(hours=5, minutes=1)
        late = Deadline("investigation", 0, due, None, True, False, True)
        met = Deadline("first_response", 0, due, due - timedelta(hours=1), False, False, False)
        paused = Deadline("decision", 0, due, None, False, True, False)
        template = Template("{% load workspace %}{% deadline_badge d %}")

        late_html = template.render(Context({"d": late}))
        met_html = template.render(Context({"d": met}))
        paused_html = template.render(Context({"d": paused}))

        assert "badge-late" in late_html
        assert "Investigation" in late_html
        assert "overdue by 5 h 1 min" in late_html
        assert timezone.localtime(due).strftime("%m-%d %H:%M") in late_html
        assert "provisional" in late_html
        assert "badge-done" in met_html and "met" in met_html
        assert "provisional" not in met_html
        assert "badge-paused" in paused_html and "paused" in paused_html
