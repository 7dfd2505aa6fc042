"""Only the doors a role may open: the admin link and every action form the pages offer."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import User
from complaints.models import State
from complaints.selectors import complaint_is_visible_to
from tests.conftest import Org
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["agent", "handler", "head", "manager", "executive", "auditor"]
# Complaint managers keep the canned replies in the admin (issue 18 §3): theirs is not read-only.
READ_ONLY_ADMIN = [role for role in ROLES if role != "manager"]


def nav_of(client) -> str:
    return client.get(reverse("notifications")).content.decode()


def as_staff(user: User) -> User:
    """Like the demo: every member of staff may sign in to the admin site."""
    User.objects.filter(pk=user.pk).update(is_staff=True)
    return User.objects.get(pk=user.pk)


class TestAdminLink:
    @pytest.mark.parametrize("role", READ_ONLY_ADMIN)
    def test_roles_whose_admin_screens_are_read_only_get_no_link(
        self, org: Org, client_for, role: str
    ) -> None:
        user = as_staff(getattr(org, role))

        assert 'data-testid="nav-admin"' not in nav_of(client_for(user))

    def test_a_complaint_manager_gets_the_link_to_the_canned_replies(
        self, org: Org, client_for
    ) -> None:
        client = client_for(as_staff(org.manager))

        assert 'data-testid="nav-admin"' in nav_of(client)
        assert client.get(reverse("admin:complaints_cannedreply_changelist")).status_code == 200
        assert client.get(reverse("admin:complaints_cannedreply_add")).status_code == 200

    def test_the_administrator_gets_the_link_and_it_opens(self, org: Org, client_for) -> None:
        admin = UserFactory(username="root", is_staff=True, is_superuser=True)
        client = client_for(admin)

        assert 'data-testid="nav-admin"' in nav_of(client)
        assert client.get(reverse("admin:index")).status_code == 200

    def test_staff_who_may_change_something_there_get_the_link(self, org: Org, client_for) -> None:
        keeper = as_staff(org.manager)
        keeper.user_permissions.add(
            Permission.objects.get(codename="change_category", content_type__app_label="complaints")
        )
        keeper = User.objects.get(pk=keeper.pk)  # fresh permission cache

        assert 'data-testid="nav-admin"' in nav_of(client_for(keeper))

    def test_without_staff_status_no_permission_opens_the_admin(self, org: Org, client_for) -> None:
        org.manager.user_permissions.add(
            Permission.objects.get(codename="change_category", content_type__app_label="complaints")
        )
        user = User.objects.get(pk=org.manager.pk)

        assert 'data-testid="nav-admin"' not in nav_of(client_for(user))

    def test_the_nav_costs_no_query_for_the_link(
        self, org: Org, client_for, django_assert_num_queries
    ) -> None:
        from complaints.context_processors import Workspace

        user = as_staff(org.handler)
        user.has_perm("complaints.receive_complaint")  # the nav asks this first anyway
        with django_assert_num_queries(0):
            assert Workspace(user).can_administer is False


class _PostForms(HTMLParser):
    """The POST forms of a page, each with the values a browser would send untouched, and filler
    text in the empty text fields (so a form fails on its content only if the content is wrong)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._data: dict[str, str] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._data = {}
            self.forms.append((a["action"], self._data))
        elif self._data is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("file", "submit", "button", "checkbox"):
                return
            if kind == "radio":
                self._data.setdefault(a["name"], a.get("value", ""))
                return
            filler = {"number": "3", "email": "someone@example.com"}.get(kind, "说明")
            self._data[a["name"]] = a.get("value") or filler
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and a.get("value"):
            self._data.setdefault(self._select, a["value"])
        elif tag == "textarea" and a.get("name"):
            self._data[a["name"]] = "说明"

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._data = None
        elif tag == "select":
            self._select = None


def case_forms(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _PostForms()
    parser.feed(html)
    return [(action, data) for action, data in parser.forms if re.match(r"^/complaints/", action)]


STATES = [State.INTAKE, State.TRIAGE, State.INVESTIGATION, State.DECISION, State.FOLLOW_UP]


class TestCaseActions:
    @pytest.mark.parametrize("role", ROLES)
    def test_every_action_offered_on_the_case_page_is_one_the_role_may_take(
        self, org: Org, client_for, complaint_in, role: str
    ) -> None:
        user = getattr(org, role)
        offered = 0
        for state in STATES:
            complaint = complaint_in(state)
            client = client_for(user)
            page = client.get(reverse("case_detail", args=[complaint.reference]))
            assert page.status_code == 200
            for action, data in case_forms(page.content.decode()):
                if not complaint_is_visible_to(user=user, complaint=complaint):
                    break  # an earlier form (a handoff) sent the case elsewhere
                offered += 1
                response = client.post(action, data)
                # A form may still be refused for what is in it (422) or the case may have
                # moved on under an earlier form (409); never for who the user is.
                assert response.status_code not in (403, 404), (role, state, action)
                complaint.refresh_from_db()
        if role == "auditor":
            assert offered == 0  # reads only
        else:
            assert offered > 0

    def test_the_auditor_is_refused_what_the_page_does_not_offer(
        self, org: Org, client_for, complaint_in
    ) -> None:
        complaint = complaint_in(State.TRIAGE)
        client = client_for(org.auditor)

        response = client.post(
            reverse("case_note", args=[complaint.reference]), {"text": "审计员不应能写备注"}
        )

        assert response.status_code == 403
