"""A department head finds the escalations sent to them in the admin, and nobody else's."""

from complaints.models import Notification
from sla.models import Escalation
from sla.services.escalation import escalate


def test_the_head_sees_the_escalation_sent_to_them_and_nothing_else(client, org, new_complaint):
    # given a case escalated to level 1 (the department head) and a notification for someone else
    complaint = new_complaint(department=org.service)
    escalate(
        complaint=complaint, level=1, reason=Escalation.Reason.BREACH, at=complaint.received_at
    )
    mine = Notification.objects.get(recipient=org.head, kind=Notification.Kind.ESCALATION)
    others = Notification.objects.exclude(recipient=org.head)
    org.head.is_staff = True
    org.head.save()

    # when the head opens the notification list in the admin
    client.force_login(org.head)
    response = client.get("/admin/complaints/notification/")

    # then they see theirs, and not the others'
    assert response.status_code == 200
    listed = list(response.context["cl"].queryset)
    assert mine in listed
    assert not set(listed) & set(others)
    assert complaint.reference in response.content.decode()


def test_every_role_permission_exists_and_is_granted_after_all_migrations(db):
    from django.contrib.auth.models import Group

    from accounts.roles import ROLE_PERMISSIONS

    for role, names in ROLE_PERMISSIONS.items():
        granted = {
            f"{app_label}.{codename}"
            for app_label, codename in Group.objects.get(name=role.value).permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert granted == set(names), role
