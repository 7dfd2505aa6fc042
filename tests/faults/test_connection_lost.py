"""The database connection is lost in the middle of a transition (issue 15 §4): nothing of the
transition is kept, the person or client is told to send it again (503 with Retry-After, the form
as typed), and sending it again succeeds.

The fault is real: at the runner's last write (the timeline entry, after the state, the version,
the clocks, the notifications and the customer's e-mail were written in the transaction) another
connection ends this one's PostgreSQL backend with pg_terminate_backend. PostgreSQL only; the
answer's shape for a database that stays away is checked everywhere (the last tests).
"""

from __future__ import annotations

import json

import psycopg2
import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory

from complaints.models import CaseEvent, Complaint, CustomerEmail, Notification, State
from complaints.services import transitions
from complaints.views import intake as intake_view
from complaints.views.public import submit as submit_view
from config.api_errors import server_error
from sla.models import Clock
from tests.api.conftest import Api, error_of
from tests.faults.test_broker_down import intake_form
from tests.pages.conftest_case import page_fixture, stored  # noqa: F401  (fixture)
from tests.public.conftest import SUBMIT_URL, form_data
from tests.public.tracking.conftest import track_url

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: ends a real server session"
)


class LostConnection:
    """Armed, the runner's next timeline write first has this connection's backend terminated."""

    def __init__(self, monkeypatch) -> None:
        self.real = transitions.record_event
        self.cuts = 0
        monkeypatch.setattr(transitions, "record_event", self._record_event)
        self.armed = False

    def arm(self) -> None:
        self.armed = True

    def _record_event(self, **kwargs):
        if self.armed:
            self.armed = False
            self.cuts += 1
            _terminate(_backend_pid())
        return self.real(**kwargs)


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _terminate(pid: int) -> None:
    params = connection.get_connection_params()
    other = psycopg2.connect(**params)
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            # Waits (up to 5 s) until the backend is gone.
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
            assert cursor.fetchone()[0]
    finally:
        other.close()


@pytest.fixture
def lost_connection(monkeypatch) -> LostConnection:
    return LostConnection(monkeypatch)


def case_rows(complaint) -> dict:
    """Everything a transition writes, as stored."""
    case = stored(complaint)
    return {
        "state": case.state,
        "version": case.version,
        "events": CaseEvent.objects.filter(complaint=complaint).count(),
        "emails": CustomerEmail.objects.filter(contact__complaint=complaint).count(),
        "notifications": Notification.objects.filter(complaint=complaint).count(),
        "clocks": sorted(
            Clock.objects.filter(complaint=complaint).values_list(
                "pk", "met_at", "cancelled_at", "due_at"
            )
        ),
    }


@postgresql_only
@pytest.mark.django_db(transaction=True)
class TestATransitionWhoseConnectionIsLost:
    def test_on_the_case_page_nothing_is_kept_the_form_comes_back_and_the_retry_succeeds(
        self, page, org, complaint_in, lost_connection, mailoutbox
    ):
        complaint = complaint_in(State.TRIAGE, customer_email="li@example.com")
        before = case_rows(complaint)
        mailoutbox.clear()
        data = {"reason": "duplicate", "comment": "与 CP 号重复的投诉"}

        lost_connection.arm()
        response = page.step(org.agent, complaint, "reject", data)

        assert lost_connection.cuts == 1
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        html = response.content.decode()
        assert "nothing of this request was saved" in html
        assert "与 CP 号重复的投诉" in html  # the form as typed, on the case as it is
        assert case_rows(complaint) == before
        assert mailoutbox == []

        response = page.step(org.agent, complaint, "reject", data)

        assert response.status_code == 302
        after = case_rows(complaint)
        assert after["state"] == State.REJECTED
        assert after["version"] == before["version"] + 1
        assert CaseEvent.objects.filter(complaint=complaint, transition="reject").count() == 1
        assert after["emails"] == before["emails"] + 1  # the rejection notice, once
        assert [message.to for message in mailoutbox] == [["li@example.com"]]

    def test_through_the_api_the_answer_is_503_in_json_and_the_retry_succeeds(
        self, org, complaint_in, lost_connection
    ):
        complaint = complaint_in(State.TRIAGE)
        before = case_rows(complaint)
        api = Api(org.agent)
        path = f"complaints/{complaint.reference}/transitions/start_investigation/"

        lost_connection.arm()
        response = api.post(path, {"comment": "已核实"})

        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert error_of(response)["code"] == "database_unavailable"
        assert case_rows(complaint) == before

        response = api.post(path, {"comment": "已核实"})

        assert response.status_code == 200, response.json()
        assert response.json()["state"] == State.INVESTIGATION
        assert case_rows(complaint)["events"] == before["events"] + 1

    def test_on_the_customers_tracking_page_the_plain_503_page_and_the_retry_succeeds(
        self, client, customer_case, lost_connection
    ):
        complaint = customer_case("investigation")
        before = case_rows(complaint)
        client.raise_request_exception = False  # as a real server: the handler answers
        withdraw = {"reason": "已和门店私下解决", "confirm": "on"}

        lost_connection.arm()
        response = client.post(track_url(complaint) + "withdraw/", withdraw)

        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert 'data-testid="database-unavailable"' in response.content.decode()
        assert case_rows(complaint) == before

        response = client.post(track_url(complaint) + "withdraw/", withdraw)

        assert response.status_code == 302
        assert stored(complaint).state == State.WITHDRAWN


@pytest.mark.django_db
class TestTheAnswerWhileTheDatabaseIsAway:
    """What a request gets when the database cannot be reached at all: an answer built without
    it (any database, since no query is made)."""

    def raised(self, path: str, django_assert_num_queries, **headers):
        request = RequestFactory().get(path, **headers)
        try:
            raise OperationalError("server closed the connection unexpectedly") from (
                psycopg2.OperationalError("server closed the connection unexpectedly")
            )
        except OperationalError:
            with django_assert_num_queries(0):
                return server_error(request)

    def test_a_page_is_a_503_page_that_asks_to_send_again(self, django_assert_num_queries):
        response = self.raised("/complaints/", django_assert_num_queries)

        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        html = response.content.decode()
        assert 'data-testid="database-unavailable"' in html
        assert "<script" not in html

    def test_an_api_path_is_json(self, django_assert_num_queries):
        response = self.raised("/api/v1/complaints/", django_assert_num_queries)

        assert response.status_code == 503
        assert json.loads(response.content)["error"]["code"] == "database_unavailable"

    def test_any_other_error_is_still_a_500(self):
        request = RequestFactory().get("/complaints/")
        try:
            raise OperationalError("no such table: complaints_complaint")
        except OperationalError:
            response = server_error(request)

        assert response.status_code == 500


def connection_lost(**kwargs):
    raise OperationalError("server closed the connection unexpectedly") from (
        psycopg2.OperationalError("server closed the connection unexpectedly")
    )


@pytest.mark.django_db
class TestTheIntakeFormsComeBackAsTyped:
    """A complaint lost with its connection (any database: the service's failure is simulated)."""

    def test_the_staff_intake_page(self, client_for, org, monkeypatch):
        monkeypatch.setattr(intake_view, "complaint_intake", connection_lost)

        response = client_for(org.agent).post("/complaints/new/", intake_form(org))

        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        html = response.content.decode()
        assert 'data-testid="database-unavailable"' in html
        assert "送货师傅搬运时磕到门框" in html
        assert not Complaint.objects.exists()

    def test_the_public_form_with_its_one_time_key(self, client, monkeypatch):
        monkeypatch.setattr(submit_view, "complaint_submit_public", connection_lost)
        data = form_data()

        response = client.post(SUBMIT_URL, data)

        assert response.status_code == 503
        html = response.content.decode()
        assert 'data-testid="database-unavailable"' in html
        assert data["submission_key"] in html  # sent again, it is still one complaint
        assert "安装后第二天就漏水" in html
        assert not Complaint.objects.exists()
