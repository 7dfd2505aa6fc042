"""The audit log: sign-ins, failures, lockouts, role and permission changes; append-only;
readable by auditors, and people's accounts shut to every role but the administrator."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEntry, AuditLogIsAppendOnly
from accounts.services import audit_record
from tests.accounts.conftest import PASSWORD, admin_sign_in, sign_in, token_exchange
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


_baseline = {"id": 0}


@pytest.fixture(autouse=True)
def _after_the_organisation(org):
    """The org fixture's own users and roles are logged too; tests read what came after."""
    _baseline["id"] = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def log():
    return AuditEntry.objects.filter(id__gt=_baseline["id"])


def actions() -> list[str]:
    return list(log().order_by("id").values_list("action", flat=True))


class TestSignInsAreRecorded:
    def test_failed_sign_ins_then_the_lockout_through_every_door(self, org):
        client = Client(REMOTE_ADDR="198.51.100.40")
        for _ in range(2):
            sign_in(client, "handler", "wrong")
        admin_sign_in(client, "handler", "wrong")
        token_exchange_client = __import__("rest_framework.test", fromlist=["APIClient"]).APIClient(
            REMOTE_ADDR="198.51.100.40"
        )
        token_exchange(token_exchange_client, "handler", "wrong")
        sign_in(client, "handler", "wrong")  # the fifth: locks
        sign_in(client, "handler", PASSWORD)  # refused while locked

        entries = list(log().order_by("id"))
        assert [e.action for e in entries] == ["sign_in_failed"] * 4 + ["locked_out"] * 2
        assert [e.details["door"] for e in entries] == [
            "workspace",
            "workspace",
            "admin",
            "api",
            "workspace",
            "workspace",
        ]
        assert {(e.target_label, e.ip_address, e.actor_id) for e in entries} == {
            ("handler", "198.51.100.40", None)
        }
        assert all("wrong" not in str(e.details) for e in entries)

    def test_a_sign_in_and_a_sign_out(self, org):
        client = Client()
        sign_in(client, "agent", PASSWORD)
        client.post(reverse("logout"))

        assert actions() == ["sign_in", "sign_out"]
        assert log().filter(actor=org.agent).count() == 2

    def test_an_api_token_exchange_is_recorded(self, org):
        from rest_framework.test import APIClient

        token_exchange(APIClient(), "agent", PASSWORD)

        entry = log().get()
        assert (entry.action, entry.actor_name) == ("api_token_issued", "agent")


class TestRoleAndPermissionChanges:
    def test_roles_given_and_taken_in_the_admin_name_the_administrator(self, org, admin_client):
        url = reverse("admin:accounts_user_change", args=[org.handler.pk])
        form = admin_client.get(url).context["adminform"].form
        data = {
            name: value
            for name, value in form.initial.items()
            if value is not None and name not in ("password", "last_login", "date_joined")
        }
        data.update(
            groups=[Group.objects.get(name="complaint_manager").pk],
            user_permissions=[],
            is_staff="on",
            is_active="on",
            department=org.handler.department_id,
            date_joined_0="2026-01-01",
            date_joined_1="00:00:00",
        )

        response = admin_client.post(url, data)

        assert response.status_code == 302, response.context["adminform"].form.errors
        entries = {e.action: e for e in log().filter(target_id=str(org.handler.pk))}
        assert entries["staff_changed"].details == {"from": False, "to": True}
        roles = log().filter(action="roles_changed", target_id=str(org.handler.pk))
        assert sorted((list(e.details), next(iter(e.details.values()))) for e in roles) == [
            (["added"], ["complaint_manager"]),
            (["removed"], ["handler"]),
        ]
        assert {e.actor_name for e in log().filter(target_id=str(org.handler.pk))} == {"admin"}

    def test_permissions_and_superuser_changes_outside_a_request_are_the_systems(self, org):
        permission = Permission.objects.get(codename="change_category")
        org.agent.user_permissions.add(permission)
        org.agent.is_superuser = True
        org.agent.save()
        org.agent.user_permissions.clear()

        entries = list(log().order_by("id"))
        assert [(e.action, e.details) for e in entries] == [
            ("permissions_changed", {"added": ["complaints.change_category"]}),
            ("superuser_changed", {"from": False, "to": True}),
            ("permissions_changed", {"removed": ["complaints.change_category"]}),
        ]
        assert {e.actor_id for e in entries} == {None}

    def test_a_group_given_to_users_from_the_group_side(self, org):
        auditors = Group.objects.get(name="auditor")
        auditors.user_set.add(org.agent, org.handler)

        assert sorted(
            (e.target_label, e.details["added"]) for e in log().filter(action="roles_changed")
        ) == sorted([(str(org.agent), ["auditor"]), (str(org.handler), ["auditor"])])

    def test_a_new_superuser_is_recorded(self, org):
        UserFactory(username="boss", is_superuser=True, is_staff=True)

        assert sorted(actions()) == ["staff_changed", "superuser_changed"]

    def test_ordinary_saves_write_nothing(self, org):
        org.agent.language = "en"
        org.agent.save(update_fields=["language"])
        org.agent.first_name = "晓"
        org.agent.save()

        assert actions() == []


class TestTheLogItself:
    def test_entries_cannot_be_changed_or_deleted(self, org):
        entry = audit_record(org.manager, AuditEntry.Action.EXPORT, "complaints.xlsx", {"rows": 3})

        with pytest.raises(AuditLogIsAppendOnly):
            entry.save()
        with pytest.raises(AuditLogIsAppendOnly):
            entry.delete()
        with pytest.raises(AuditLogIsAppendOnly):
            log().all().delete()
        with pytest.raises(AuditLogIsAppendOnly):
            log().update(details={})

    def test_audit_record_for_other_apps(self, org):
        entry = audit_record(
            org.manager, AuditEntry.Action.EXPORT, org.service, {"rows": 1200, "format": "xlsx"}
        )

        entry.refresh_from_db()
        assert (entry.actor_name, entry.target_type, entry.target_id) == (
            "manager",
            "accounts.department",
            str(org.service.pk),
        )
        assert entry.details == {"rows": 1200, "format": "xlsx"}
        assert entry.ip_address is None

    def test_auditors_read_the_log_with_filters_and_cannot_change_it(self, org, client):
        audit_record(org.manager, AuditEntry.Action.EXPORT, "complaints.xlsx")
        sign_in(Client(), "agent", "wrong")
        org.auditor.is_staff = True
        org.auditor.save()
        client.force_login(org.auditor)
        url = reverse("admin:accounts_auditentry_changelist")

        everything = client.get(url)
        failures = client.get(url, {"action": "sign_in_failed"})
        entry = log().get(action="export")

        assert everything.status_code == 200
        assert [e.action for e in failures.context["cl"].result_list] == ["sign_in_failed"]
        page = client.get(reverse("admin:accounts_auditentry_change", args=[entry.pk]))
        assert page.status_code == 200
        assert not page.context["has_change_permission"]
        assert (
            client.post(
                reverse("admin:accounts_auditentry_delete", args=[entry.pk]), {"post": "yes"}
            ).status_code
            == 403
        )
        assert log().filter(pk=entry.pk).exists()

    def test_other_roles_cannot_read_the_log(self, org, client):
        org.manager.is_staff = True
        org.manager.save()
        client.force_login(org.manager)

        assert client.get(reverse("admin:accounts_auditentry_changelist")).status_code == 403

    def test_the_log_page_costs_the_same_for_5_and_50_entries(self, org, admin_client):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        url = reverse("admin:accounts_auditentry_changelist")

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert admin_client.get(url).status_code == 200
            return len(queries)

        for _ in range(5):
            audit_record(org.manager, AuditEntry.Action.EXPORT, "x")
        few = count()
        for _ in range(45):
            audit_record(org.manager, AuditEntry.Action.EXPORT, "x")
        assert count() == few


class TestPeoplesAccountsInTheAdmin:
    @pytest.mark.parametrize(
        "role", ["agent", "handler", "head", "manager", "executive", "auditor"]
    )
    def test_no_role_browses_user_accounts(self, org, client, role):
        user = getattr(org, role)
        user.is_staff = True
        user.save()
        client.force_login(user)

        assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
        assert (
            client.get(reverse("admin:accounts_user_change", args=[org.manager.pk])).status_code
            == 403
        )
        assert "accounts/user/" not in client.get(reverse("admin:index")).content.decode()

    def test_the_administrator_does(self, org, admin_client):
        assert admin_client.get(reverse("admin:accounts_user_changelist")).status_code == 200
