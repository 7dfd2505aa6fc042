"""Helpers every complaint service uses: the access check and the row lock."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import User
from complaints.errors import Conflict, NotFound, PermissionDenied
from complaints.models import Complaint
from complaints.selectors import complaint_is_visible_to, complaint_is_workable_by


class Needs:
    """What each change asks of the actor's role: any one of the named permissions. The services
    check it; the doors (API views, the case page's forms) check it again before they read a
    request's body, so a role that may not act hears 403 whatever it sent, never "field missing"."""

    RECEIVE = ("receive_complaint",)
    TRIAGE = ("triage_complaint",)
    COMMENT = ("comment_on_complaint",)
    INVESTIGATE = ("investigate_complaint",)
    CONTACT = ("contact_customer",)
    FOLLOW_UP = ("follow_up_complaint",)
    ADD_EVIDENCE = ("receive_complaint", "investigate_complaint")
    PROPOSE = ("propose_decision",)
    APPROVE = ("approve_decision",)
    AGREEMENT = ("record_agreement",)
    PAYMENT = ("record_payment",)
    QUALITY = ("refer_to_quality",)


def ensure_role_may(*, actor: User, perms: tuple[str, ...]) -> None:
    """A refusal unless the actor's role holds one of `perms` (codenames of the complaints app)."""
    if not any(actor.has_perm(f"complaints.{perm}") for perm in perms):
        raise PermissionDenied()


def ensure_workable(*, actor: User, complaint: Complaint) -> None:
    """Only those in charge of a case change it. A case the actor may not read is missing, never
    forbidden; one they only read (they worked on it, it has moved on) is a refusal that says why."""
    if complaint_is_workable_by(user=actor, complaint=complaint):
        return
    if complaint_is_visible_to(user=actor, complaint=complaint):
        raise PermissionDenied(
            _(
                "You worked on this complaint before; it is in other hands now and you can only read it."
            )
        )
    raise NotFound()


def ensure_can_act(*, actor: User, complaint: Complaint, perms: tuple[str, ...]) -> None:
    """Out of scope reads as missing; read-only or without any of `perms` is a refusal."""
    ensure_workable(actor=actor, complaint=complaint)
    ensure_role_may(actor=actor, perms=perms)


def lock_for_change(
    complaint: Complaint, *, expected_version: int | None = None, must_be_current: bool = True
) -> Complaint:
    """Lock the case row (call inside a transaction) and refuse if it moved on since it was read.

    `complaint` is the caller's copy: the version it carries (or `expected_version`, sent back by a
    form or API client) must still be the stored one, otherwise two people acted on one case at once.
    Records that only add a row (a logged call, a follow-up visit) pass `must_be_current=False`:
    they serialise on the lock but do not depend on what the caller saw.
    """
    locked: Complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    expected = complaint.version if expected_version is None else expected_version
    if must_be_current and locked.version != expected:
        raise Conflict()
    return locked


def save_change(complaint: Complaint, *, fields: list[str] | None = None) -> None:
    """Save a locked case and bump its version so every other copy becomes stale."""
    complaint.version += 1
    if fields is None:
        complaint.save()
    else:
        complaint.save(update_fields=[*fields, "version", "updated_at"])
