"""`Idempotency-Key` on create: a retry gets the first answer, never a second complaint."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone
from rest_framework.authtoken.models import Token

from complaints.api.idempotency import idempotency_keys_purge
from complaints.models import Complaint, IdempotencyKey
from tests.api.conftest import NEW_COMPLAINT, Api, error_of

pytestmark = pytest.mark.django_db

KEY = "8b7f3c0e-4a51-4d3e-9a1c-2f6d5e4b3a21"


def create(api: Api, payload=None, key: str | None = KEY):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return api.post("complaints/", payload or NEW_COMPLAINT, **headers)


def test_a_retry_with_the_same_key_gets_the_same_complaint(org, api_for):
    api = api_for(org.agent)

    first = create(api)
    retry = create(api)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Location"] == first["Location"]
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Complaint.objects.count() == 1
    stored = IdempotencyKey.objects.get()
    assert (stored.user, stored.key, stored.complaint.reference) == (
        org.agent,
        KEY,
        first.json()["reference"],
    )


def test_the_replay_is_the_first_answer_even_after_the_case_moved_on(org, api_for, flow):
    api = api_for(org.agent)
    first = create(api)
    flow.run(Complaint.objects.get(), "start_triage")

    retry = create(api)

    assert retry.json() == first.json()
    assert retry.json()["state"] == "intake"


def test_the_same_key_with_another_payload_is_refused(org, api_for):
    api = api_for(org.agent)
    create(api)

    response = create(api, {**NEW_COMPLAINT, "subject": "另一个问题"})

    assert response.status_code == 422
    assert error_of(response)["code"] == "idempotency_key_reused"
    assert Complaint.objects.count() == 1


def test_keys_belong_to_one_user(org, api_for):
    create(api_for(org.agent))

    other = create(api_for(org.manager))

    assert other.status_code == 201
    assert "Idempotent-Replayed" not in other
    assert Complaint.objects.count() == 2


def test_without_a_key_every_post_creates(org, api_for):
    api = api_for(org.agent)

    create(api, key=None)
    create(api, key=None)

    assert Complaint.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_a_refused_create_keeps_no_key_so_the_corrected_retry_works(org, api_for):
    api = api_for(org.agent)
    refused = create(api, {**NEW_COMPLAINT, "customer": {"name": "王先生"}})

    corrected = create(api)

    assert refused.status_code == 400
    assert corrected.status_code == 201
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "键"])
def test_a_malformed_key_is_a_header_error(org, api_for, key):
    response = create(api_for(org.agent), key=key)

    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"Idempotency-Key"}
    assert not Complaint.objects.exists()


def test_an_expired_key_counts_as_new(org, api_for):
    api = api_for(org.agent)
    create(api)
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))

    again = create(api)

    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert Complaint.objects.count() == 2
    assert IdempotencyKey.objects.get().complaint.reference == again.json()["reference"]


def test_expired_keys_are_purged(org, api_for):
    api = api_for(org.agent)
    create(api, key="old")
    create(api, key="new")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))

    assert idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_beat_purges_them_every_night_through_the_task(org, api_for):
    from django_celery_beat.models import PeriodicTask

    from complaints.tasks import purge_idempotency_keys_task

    create(api_for(org.agent), key="old")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))

    scheduled = PeriodicTask.objects.get(task="complaints.tasks.purge_idempotency_keys_task")
    assert scheduled.enabled and scheduled.crontab.hour == "3"
    assert purge_idempotency_keys_task.delay().get() == 1
    assert not IdempotencyKey.objects.exists()


def test_the_retention_is_a_setting(org, api_for, settings):
    settings.COMPLAINTS_API_IDEMPOTENCY_HOURS = 1
    api = api_for(org.agent)
    create(api)
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=2))

    assert idempotency_keys_purge() == 1


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock races need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_retries_at_the_same_moment_create_one_complaint(org):
    """Two connections send the same key at once: one creates, the other waits on the unique index
    and then replays the committed answer."""
    Token.objects.get_or_create(user=org.agent)  # not raced itself
    barrier = threading.Barrier(2)
    answers: list = [None, None]

    def retry(slot: int) -> None:
        try:
            api = Api(org.agent)
            barrier.wait()
            answers[slot] = create(api)
        except Exception as exc:  # shown by the assertion below rather than lost in the thread
            answers[slot] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=retry, args=(slot,)) for slot in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [getattr(answer, "status_code", answer) for answer in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert sorted(answer.has_header("Idempotent-Replayed") for answer in answers) == [False, True]
    assert Complaint.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1
