"""Two people merge the same pair the opposite ways at once (PostgreSQL only): both rows are
locked in id order, so neither deadlocks; one merge wins and the other is refused."""

from __future__ import annotations

import pytest
from django.db import connection

from accounts.models import User
from complaints.errors import Conflict, InvalidInput
from complaints.models import CaseLink, Complaint, State
from complaints.services.duplicates import complaint_merge_duplicate
from tests.complaints.test_concurrency import ROUNDS, race, winner_and_loser

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock races need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def merge_as(user_pk: int, duplicate_pk: int, survivor_pk: int):
    def load():
        return (
            User.objects.get(pk=user_pk),
            Complaint.objects.get(pk=duplicate_pk),
            Complaint.objects.get(pk=survivor_pk),
        )

    def act(loaded):
        user, duplicate, survivor = loaded
        return complaint_merge_duplicate(actor=user, duplicate=duplicate, survivor=survivor)

    return load, act


def test_opposite_merges_at_once_one_wins_and_nothing_deadlocks(org, new_complaint):
    for _round in range(ROUNDS):
        first, second = new_complaint(), new_complaint()

        results = race(
            merge_as(org.agent.pk, first.pk, second.pk),
            merge_as(org.manager.pk, second.pk, first.pk),
        )

        winner, loser = winner_and_loser(results)
        assert isinstance(loser.error, Conflict | InvalidInput), loser.error
        [link] = CaseLink.objects.filter(
            from_complaint__in=[first, second], kind=CaseLink.Kind.DUPLICATE
        )
        states = {c.pk: c.state for c in Complaint.objects.filter(pk__in=[first.pk, second.pk])}
        assert states[link.from_complaint_id] == State.REJECTED
        assert states[link.to_complaint_id] == State.INTAKE
        assert winner.value.survivor.pk == link.to_complaint_id
