"""Retention: the nightly job anonymises ended cases past their period, in batches; statistics stay;
legal hold, open cases and customers still needed are spared; a second run changes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone, translation

from accounts.models import AuditEntry
from complaints.models import (
    CaseEvent,
    Complaint,
    Customer,
    CustomerEmail,
    Decision,
    EvidenceFile,
    FollowUp,
    Notification,
)
from complaints.services.legal_hold import legal_hold_lift, legal_hold_set
from complaints.services.retention import (
    retention_anonymise_batch,
    retention_cutoffs,
    retention_sweep,
)
from complaints.tasks import anonymise_expired_cases_task
from sla.models import Clock, ClockPause
from tests.complaints.privacy_cases import (
    MARK,
    age,
    database_text,
    markers_in_database,
    stored_files,
    worked_case,
)

pytestmark = pytest.mark.django_db


def run_job() -> int:
    """The beat task as beat starts it (batches run at once: tasks are eager in tests)."""
    return anonymise_expired_cases_task.apply().get()


@pytest.fixture
def old_case(org, flow, new_complaint) -> Complaint:
    return worked_case(org, flow, new_complaint)


class TestWhatGoes:
    def test_no_personal_text_or_file_is_left_anywhere(self, old_case: Complaint) -> None:
        assert markers_in_database()
        assert len(stored_files()) == 1

        assert run_job() == 1

        assert markers_in_database() == []
        assert stored_files() == []

    def test_the_customer_record_is_blanked_and_says_so(self, old_case: Complaint) -> None:
        run_job()

        customer = Customer.objects.get(pk=old_case.customer_id)
        assert (customer.name, customer.phone, customer.email, customer.address) == ("", "", "", "")
        assert customer.anonymised_at is not None
        with translation.override("en"):
            assert customer.display_name == "Anonymised"
        assert customer.region == old_case.customer.region  # a region is a statistic

    def test_unsent_emails_are_dropped_and_sent_ones_emptied(self, old_case: Complaint) -> None:
        emails = CustomerEmail.objects.filter(contact__complaint=old_case)
        sent = emails.first()
        assert sent is not None
        emails.exclude(pk=sent.pk).update(emailed_at=None)
        emails.filter(pk=sent.pk).update(emailed_at=timezone.now())

        run_job()

        assert list(emails.values_list("pk", "to", "subject", "body")) == [(sent.pk, "", "", "")]

    def test_staff_notifications_about_the_case_are_deleted(self, old_case: Complaint) -> None:
        assert Notification.objects.filter(complaint=old_case).exists()

        run_job()

        assert not Notification.objects.filter(complaint=old_case).exists()

    def test_old_tracking_links_stop_working(self, old_case: Complaint) -> None:
        before = old_case.public_token

        run_job()

        old_case.refresh_from_db()
        assert old_case.public_token != before


class TestWhatStays:
    def test_statistics_are_kept(self, old_case: Complaint) -> None:
        before = Complaint.objects.get(pk=old_case.pk)
        events_before = list(old_case.events.values_list("pk", "kind", "actor_id", "at"))
        decision = Decision.objects.get(complaint=old_case, state="approved")

        run_job()

        after = Complaint.objects.get(pk=old_case.pk)
        kept = [
            "reference",
            "state",
            "channel",
            "category_id",
            "severity",
            "department_id",
            "assignee_id",
            "region",
            "product_or_service",
            "amount_claimed",
            "remedy_sought",
            "received_at",
            "first_response_at",
            "decided_at",
            "replied_at",
            "closed_at",
            "reopen_count",
            "escalation_level",
        ]
        assert {f: getattr(after, f) for f in kept} == {f: getattr(before, f) for f in kept}
        assert (after.subject, after.description, after.findings, after.order_ref) == ("",) * 4
        kept_decision = Decision.objects.get(pk=decision.pk)
        assert (kept_decision.remedy, kept_decision.outcome, kept_decision.amount) == (
            "compensation",
            "upheld",
            Decimal("5000.00"),
        )
        assert (kept_decision.rationale, kept_decision.root_cause) == ("", "")
        assert FollowUp.objects.get(complaint=old_case).satisfaction == 4
        evidence = EvidenceFile.objects.get(complaint=old_case)
        assert (evidence.kind, evidence.content_type, evidence.file.name) == (
            "photo",
            "image/png",
            "",
        )
        assert evidence.size > 0
        # The timeline keeps who did what and when, and says the data went.
        events_after = list(old_case.events.values_list("pk", "kind", "actor_id", "at"))
        assert events_after[: len(events_before)] == events_before
        assert events_after[-1][1] == CaseEvent.Kind.ANONYMISED
        assert Clock.objects.filter(complaint=old_case).count() > 0
        assert not ClockPause.objects.filter(clock__complaint=old_case).exclude(note="").exists()

    def test_the_case_says_when_and_why_and_the_audit_log_which(self, old_case: Complaint) -> None:
        run_job()

        old_case.refresh_from_db()
        assert old_case.anonymised_at is not None
        last = old_case.events.last()
        assert (last.kind, last.actor, last.data) == (
            CaseEvent.Kind.ANONYMISED,
            None,
            {"cause": "retention"},
        )
        entry = AuditEntry.objects.get(action=AuditEntry.Action.ANONYMISED)
        assert entry.actor is None
        assert entry.details["complaints"] == [old_case.reference]
        assert entry.details["cause"] == "retention"
        assert entry.details["files_deleted"] == 1


class TestWhoIsSpared:
    def test_a_case_within_its_period_is_untouched(self, org, flow, new_complaint) -> None:
        recent = worked_case(org, flow, new_complaint, ended_days_ago=3 * 365 - 2)

        assert run_job() == 0

        recent.refresh_from_db()
        assert recent.anonymised_at is None
        assert MARK in recent.subject

    def test_an_open_case_is_never_anonymised_however_old(self, org, flow, new_complaint) -> None:
        open_case = worked_case(org, flow, new_complaint, ended_days_ago=None)
        Complaint.objects.filter(pk=open_case.pk).update(
            received_at=timezone.now() - timedelta(days=3650)
        )

        assert run_job() == 0
        assert retention_anonymise_batch(complaint_ids=[open_case.pk]).complaints == 0

    def test_a_case_on_legal_hold_is_skipped_until_the_hold_is_lifted(
        self, org, old_case: Complaint
    ) -> None:
        legal_hold_set(actor=org.manager, reference=old_case.reference, reason="诉讼中")

        assert run_job() == 0
        # A batch queued before the hold was set re-checks under the lock.
        assert retention_anonymise_batch(complaint_ids=[old_case.pk]).complaints == 0
        assert MARK in Complaint.objects.get(pk=old_case.pk).subject

        legal_hold_lift(actor=org.manager, reference=old_case.reference, reason="已结案")
        assert run_job() == 1

    def test_a_customer_with_a_recent_case_keeps_their_details(
        self, org, flow, new_complaint, old_case: Complaint
    ) -> None:
        recent = worked_case(org, flow, new_complaint, ended_days_ago=10, seed=2)
        assert recent.customer_id == old_case.customer_id

        run_job()

        old_case.refresh_from_db()
        customer = Customer.objects.get(pk=old_case.customer_id)
        assert old_case.anonymised_at is not None and old_case.subject == ""
        assert customer.anonymised_at is None
        assert MARK in customer.name and customer.phone and customer.email
        # Their recent case's own evidence is still there.
        assert EvidenceFile.objects.get(complaint=recent).file.name
        assert len(stored_files()) == 1

        age(recent, days=3 * 366)
        run_job()

        customer.refresh_from_db()
        assert (customer.name, customer.phone, customer.anonymised_at is not None) == ("", "", True)
        assert markers_in_database() == []

    def test_a_file_another_case_holds_is_kept_for_it(
        self, org, flow, new_complaint, old_case: Complaint
    ) -> None:
        # The same photo (same bytes: stored once) sent by another customer for a recent case.
        other = worked_case(
            org,
            flow,
            new_complaint,
            phone="13900002222",
            email="other@example.com",
            ended_days_ago=5,
            seed=1,
        )
        shared = EvidenceFile.objects.get(complaint=other).file.name
        assert shared == EvidenceFile.objects.get(complaint=old_case).file.name

        run_job()

        assert EvidenceFile.objects.get(complaint=old_case).file.name == ""
        assert [path.name for path in stored_files()] == [shared.rsplit("/", 1)[-1]]


class TestPeriods:
    @pytest.mark.parametrize(
        ("setting", "ended_days_ago", "anonymised"),
        [
            ("1y", 367, True),
            ("1y", 360, False),
            ("18m", 560, True),
            ("18m", 530, False),
            ("30d", 31, True),
            ("never", 20 * 365, False),
        ],
    )
    def test_each_outcome_has_its_own_period(
        self,
        settings,
        org,
        flow,
        new_complaint,
        setting: str,
        ended_days_ago: int,
        anonymised: bool,
    ) -> None:
        settings.COMPLAINTS_RETENTION = {"closed": "3y", "rejected": setting, "withdrawn": "3y"}
        rejected = age(flow.run(new_complaint(), "reject"), days=ended_days_ago)
        withdrawn = age(flow.run(new_complaint(), "withdraw"), days=min(ended_days_ago, 1000))

        run_job()

        rejected.refresh_from_db()
        withdrawn.refresh_from_db()
        assert (rejected.anonymised_at is not None) is anonymised
        assert withdrawn.anonymised_at is None  # withdrawn cases keep their 3 years

    def test_cutoffs_leave_out_outcomes_kept_for_ever(self, settings) -> None:
        settings.COMPLAINTS_RETENTION = {"closed": "3y", "rejected": "never", "withdrawn": "6m"}
        now = timezone.now()

        cutoffs = retention_cutoffs(now=now)

        assert set(cutoffs) == {"closed", "withdrawn"}
        assert timedelta(days=3 * 365) <= now - cutoffs["closed"] <= timedelta(days=3 * 366)


class TestBatchesAndRepeats:
    def test_the_job_queues_batches_of_the_set_size(self, settings, flow, new_complaint) -> None:
        settings.COMPLAINTS_RETENTION_BATCH_SIZE = 2
        cases = [age(flow.run(new_complaint(), "reject"), days=4 * 366) for _ in range(5)]
        batches: list[list[int]] = []

        assert retention_sweep(enqueue=batches.append) == 5

        assert [len(batch) for batch in batches] == [2, 2, 1]
        assert sorted(pk for batch in batches for pk in batch) == sorted(c.pk for c in cases)

    def test_a_night_takes_at_most_its_share_and_the_next_night_the_rest(
        self, settings, flow, new_complaint
    ) -> None:
        settings.COMPLAINTS_RETENTION_BATCH_SIZE = 2
        settings.COMPLAINTS_RETENTION_MAX_BATCHES = 1
        for _ in range(3):
            age(flow.run(new_complaint(), "reject"), days=4 * 366)

        assert run_job() == 2
        assert run_job() == 1
        assert run_job() == 0

    def test_running_twice_changes_nothing_more(self, old_case: Complaint) -> None:
        run_job()
        after_first = database_text()
        audit_entries = AuditEntry.objects.count()

        assert run_job() == 0
        assert retention_anonymise_batch(complaint_ids=[old_case.pk]).complaints == 0

        assert database_text() == after_first
        assert AuditEntry.objects.count() == audit_entries

    def test_a_new_complaint_from_the_same_number_starts_a_new_record(
        self, new_complaint, old_case: Complaint
    ) -> None:
        run_job()

        again = new_complaint(customer_phone="13712345678", customer_name="王先生")

        assert again.customer_id != old_case.customer_id
        assert again.customer.name == "王先生"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
class TestOnPostgres:
    def test_the_scan_reads_each_outcome_through_its_partial_index(self) -> None:
        cutoffs = retention_cutoffs(now=timezone.now())
        with connection.cursor() as cursor:
            # A handful of rows would be read sequentially anyway: ask whether the index serves
            # the filter at all, which is what it must do at millions of rows.
            cursor.execute("SET LOCAL enable_seqscan = off")
            for state, cutoff in cutoffs.items():
                ended_at = {"closed": "closed_at", "rejected": "rejected_at"}.get(
                    state, "withdrawn_at"
                )
                query = (
                    Complaint.objects.filter(
                        state=state,
                        anonymised_at__isnull=True,
                        legal_hold=False,
                        **{f"{ended_at}__lte": cutoff},
                    )
                    .order_by(ended_at)
                    .values_list("pk", flat=True)[:200]
                )
                plan = query.explain()
                assert f"complaint_retain_{state}_idx" in plan, plan
            cursor.execute("SET LOCAL enable_seqscan = on")

    def test_the_timeline_refuses_every_other_change_even_while_redacting(
        self, old_case: Complaint
    ) -> None:
        from django.db import transaction
        from django.db.utils import DatabaseError

        event = old_case.events.exclude(comment="").first()
        statements = [
            ("UPDATE complaints_caseevent SET kind = 'note' WHERE id = %s", [event.pk]),
            ("UPDATE complaints_caseevent SET comment = 'x' WHERE id = %s", [event.pk]),
            (
                "UPDATE complaints_caseevent SET comment = '', data = '{\"added\": 1}' "
                "WHERE id = %s",
                [event.pk],
            ),
            ("DELETE FROM complaints_caseevent WHERE id = %s", [event.pk]),
        ]
        for sql, params in statements:
            for redacting in ("off", "on"):
                with (
                    pytest.raises(DatabaseError),
                    transaction.atomic(),
                    connection.cursor() as cursor,
                ):
                    cursor.execute(
                        "SELECT set_config('complaints.redact_timeline', %s, true)", [redacting]
                    )
                    cursor.execute(sql, params)
        # Emptying a comment is allowed only while redacting.
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE complaints_caseevent SET comment = '' WHERE id = %s", [event.pk])
        run_job()
        assert CaseEvent.objects.get(pk=event.pk).comment == ""
