"""The check of an improvement action's effect (issue 18 §1): the figures counted by the reports'
own selector (reports.selectors.improvement.action_effect), recorded with the verifier's verdict
by complaints.services.improvement. Every door that verifies an action calls this."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from complaints.models import ImprovementAction
from complaints.selectors.improvement import improvement_action_get_for_user
from complaints.services.improvement import improvement_action_verify
from reports.selectors.improvement import action_effect


@transaction.atomic
def improvement_action_check(
    *,
    actor: User,
    action_id: int,
    effective: bool | None,
    note: str,
    now: datetime | None = None,
) -> ImprovementAction:
    """Verify the action with the complaints of its category/product counted before and after
    it was done (None, None when it names neither: the verdict rests on the note alone)."""
    now = now or timezone.now()
    action = improvement_action_get_for_user(user=actor, pk=action_id)
    effect = action_effect(action=action, now=now)
    return improvement_action_verify(
        actor=actor,
        action_id=action_id,
        effective=effective,
        note=note,
        before=effect.before if effect is not None else None,
        after=effect.after if effect is not None else None,
        now=now,
    )
