"""Revealing a masked contact detail: only with a reason, only what was chosen, logged every time,
and the log cannot be changed."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from complaints.errors import InvalidInput, PermissionDenied
from complaints.models import CaseEvent, ContactReveal, RevealLogIsAppendOnly
from complaints.services import contact_reveal
from tests.privacy.conftest import ADDRESS, EMAIL, MASKED, PHONE, World

pytestmark = pytest.mark.django_db


def reveal_url(world: World) -> str:
    return reverse("case_unmask", args=[world.complaint.reference])


def test_each_detail_shown_is_one_row_of_the_log_with_who_why_and_where(world: World) -> None:
    agent = world.org.agent

    rows = contact_reveal(
        complaint=world.complaint,
        actor=agent,
        fields=["address", "phone"],
        reason="visit_or_delivery",
        note="安排上门检测",
    )

    logged = list(ContactReveal.objects.order_by("field"))
    assert rows and {row.pk for row in rows} == {row.pk for row in logged}
    assert [(r.field, r.actor, r.customer_id, r.complaint_id) for r in logged] == [
        ("address", agent, world.customer.pk, world.complaint.pk),
        ("phone", agent, world.customer.pk, world.complaint.pk),
    ]
    assert {(r.reason, r.note) for r in logged} == {("visit_or_delivery", "安排上门检测")}
    event = world.complaint.events.get(kind=CaseEvent.Kind.PII_UNMASKED)
    assert event.data == {"fields": ["phone", "address"], "reason": "visit_or_delivery"}
    assert event.comment == "安排上门检测"


@pytest.mark.parametrize(
    ("fields", "reason", "note", "field_with_error"),
    [
        ([], "call_customer", "", "fields"),
        (["phone"], "", "", "reason"),
        (["phone"], "because", "", "reason"),
        (["phone"], "other", "   ", "note"),
        (["phone"], "other", "x" * 501, "note"),
        (["fax"], "call_customer", "", "fields"),
    ],
)
def test_without_a_reason_or_a_detail_nothing_is_shown_or_logged(
    world: World, fields, reason, note, field_with_error
) -> None:
    with pytest.raises(InvalidInput) as refused:
        contact_reveal(
            complaint=world.complaint,
            actor=world.org.agent,
            fields=fields,
            reason=reason,
            note=note,
        )

    assert field_with_error in refused.value.fields
    assert not ContactReveal.objects.exists()
    assert not world.complaint.events.filter(kind=CaseEvent.Kind.PII_UNMASKED).exists()


def test_roles_that_may_not_reveal_are_refused(world: World) -> None:
    for user in (world.org.auditor, world.org.manager):  # read-only; reads them in clear anyway
        with pytest.raises(PermissionDenied):
            contact_reveal(
                complaint=world.complaint, actor=user, fields=["phone"], reason="call_customer"
            )
    assert not ContactReveal.objects.exists()


def test_the_case_page_shows_only_the_chosen_details_for_this_one_look(
    world: World, client_for
) -> None:
    client = client_for(world.org.handler)

    response = client.post(reveal_url(world), {"details": ["email"], "reason": "write_to_customer"})

    html = response.content.decode()
    assert response.status_code == 200
    assert EMAIL in html
    assert PHONE not in html and MASKED["phone"] in html
    assert ADDRESS not in html
    # The next look is masked again: each look is a reveal of its own.
    again = client.get(reverse("case_detail", args=[world.complaint.reference]))
    assert EMAIL not in again.content.decode()
    assert ContactReveal.objects.get().field == "email"


def test_a_reveal_without_a_reason_comes_back_with_the_question_in_words(
    world: World, client_for
) -> None:
    client = client_for(world.org.handler)

    page = client.post(reveal_url(world), {"details": ["phone"]})
    card = client.post(reveal_url(world), {"details": ["phone"]}, headers={"HX-Request": "true"})

    assert page.status_code == 422
    assert "Say why you need the contact details." in page.content.decode()
    assert 'data-testid="reveal-panel" open' in page.content.decode()
    assert card.status_code == 200  # htmx swaps the card back in, with the error on it
    assert "Say why you need the contact details." in card.content.decode()
    assert PHONE not in page.content.decode() + card.content.decode()
    assert not ContactReveal.objects.exists()


def test_the_form_offers_the_masked_details_and_the_reasons_in_chinese(
    world: World, client_for
) -> None:
    html = (
        client_for(world.org.agent, language="zh-hans")
        .get(reverse("case_detail", args=[world.complaint.reference]))
        .content.decode()
    )

    assert 'data-testid="unmask"' in html
    for value in ("phone", "email", "address", "call_customer", "other"):
        assert f'value="{value}"' in html
    assert "显示完整联系方式" in html


def test_the_timeline_names_the_details_and_the_reason(world: World, client_for) -> None:
    contact_reveal(
        complaint=world.complaint,
        actor=world.org.agent,
        fields=["phone"],
        reason="other",
        note="客户来电要求核对",
    )

    timeline = (
        client_for(world.org.handler)
        .get(reverse("case_detail", args=[world.complaint.reference]))
        .context["timeline"]
    )

    entry = next(e for e in timeline if e.event.kind == CaseEvent.Kind.PII_UNMASKED)
    assert entry.sentence.endswith("revealed the customer's Phone.")
    assert dict(entry.details) == {"Why": "Other (explain)"}
    assert entry.comment == "客户来电要求核对"


def test_the_log_cannot_be_changed_or_deleted(world: World) -> None:
    (row,) = contact_reveal(
        complaint=world.complaint, actor=world.org.agent, fields=["phone"], reason="call_customer"
    )

    for attempt in (
        lambda: ContactReveal.objects.filter(pk=row.pk).update(reason="other"),
        lambda: ContactReveal.objects.filter(pk=row.pk).delete(),
        lambda: row.save(),
        lambda: row.delete(),
    ):
        with pytest.raises(RevealLogIsAppendOnly):
            attempt()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL trigger")
def test_postgresql_refuses_changes_made_past_the_model(world: World) -> None:
    (row,) = contact_reveal(
        complaint=world.complaint, actor=world.org.agent, fields=["phone"], reason="call_customer"
    )

    for statement in (
        "UPDATE complaints_contactreveal SET reason = 'other' WHERE id = %s",
        "DELETE FROM complaints_contactreveal WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [row.pk])
    assert ContactReveal.objects.get(pk=row.pk).reason == "call_customer"
