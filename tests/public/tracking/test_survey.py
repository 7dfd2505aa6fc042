"""The satisfaction survey the customer answers: once per handling round, reopening when unhappy."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings

from complaints.errors import SurveyAnswered, SurveyClosed
from complaints.models import CaseEvent, FollowUp, FollowUpMethod, Notification, State
from complaints.public_links import read_survey_token, survey_token
from complaints.services import complaint_assign, complaint_transition
from complaints.services.customer_portal import survey_answer
from sla.models import Clock
from tests.public.tracking.conftest import survey_url, track_url

pytestmark = pytest.mark.django_db


def answer(client, complaint, *, token: str | None = None, **values):
    url = f"/complaint/survey/{token}/" if token else survey_url(complaint)
    return client.post(url, {"satisfaction": "5", "resolved": "yes", "comment": "", **values})


def test_the_reply_email_carries_the_survey_link(
    customer_case, org, flow, django_capture_on_commit_callbacks
):
    complaint = customer_case("reply")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        flow.run(complaint, "send_reply", channel="email", content="我们将免费返修。")

    (message,) = [m for m in mail.outbox if m.to == ["wang.wei@example.com"]]
    assert "/complaint/survey/" in message.body
    complaint.refresh_from_db()
    token = message.body.split("/complaint/survey/")[1].split("/")[0]
    link = read_survey_token(token)
    assert (link.public_token, link.handling_round) == (complaint.public_token, 0)


def test_the_tracking_page_offers_the_survey_only_in_follow_up(client, customer_case):
    waiting = customer_case("decision")
    replied = customer_case("follow_up", customer_phone="13900001111")

    assert 'data-testid="survey-link"' not in client.get(track_url(waiting)).content.decode()
    assert 'data-testid="survey-link"' in client.get(track_url(replied)).content.decode()


def test_a_satisfied_answer_is_a_web_follow_up_and_lets_staff_close(client, customer_case, org):
    complaint = customer_case("follow_up")
    complaint_assign(complaint=complaint, actor=org.head, assignee=org.handler)

    response = answer(client, complaint, satisfaction="4", resolved="yes", comment="谢谢")

    assert response.status_code == 302
    visit = FollowUp.objects.get(complaint=complaint, method=FollowUpMethod.WEB)
    assert (visit.by, visit.satisfaction, visit.resolved, visit.round) == (None, 4, True, 0)
    complaint.refresh_from_db()
    assert complaint.state == State.FOLLOW_UP
    assert Clock.objects.get(complaint=complaint, stage="follow_up").met_at is not None
    assert [n.recipient for n in Notification.objects.filter(kind="customer")] == [org.handler]
    # The condition staff close on is now met.
    closed = complaint_transition(complaint=complaint, name="close", actor=org.agent)
    assert closed.state == State.CLOSED
    done = client.get(survey_url(complaint))
    assert 'data-testid="survey-done"' in done.content.decode()


@override_settings(COMPLAINTS_CLOSE_ON_SATISFIED_SURVEY=True)
def test_a_satisfied_answer_closes_where_the_setting_says_so(client, customer_case):
    complaint = customer_case("follow_up")

    answer(client, complaint)

    complaint.refresh_from_db()
    assert complaint.state == State.CLOSED
    event = CaseEvent.objects.get(complaint=complaint, transition="close")
    assert event.actor is None and event.data["by"] == "customer"


@pytest.mark.parametrize(("score", "resolved"), [("2", "yes"), ("1", "no"), ("5", "no")])
def test_a_dissatisfied_answer_reopens_for_a_second_handling(
    client, customer_case, org, score, resolved
):
    complaint = customer_case("follow_up")
    complaint_assign(complaint=complaint, actor=org.head, assignee=org.handler)

    answer(client, complaint, satisfaction=score, resolved=resolved, comment="还是不制冷")

    complaint.refresh_from_db()
    assert complaint.state == State.INVESTIGATION
    assert complaint.reopen_count == 1
    reopened = CaseEvent.objects.get(complaint=complaint, transition="reopen")
    assert reopened.actor is None and reopened.data["by"] == "customer"
    told = {n.recipient for n in Notification.objects.filter(kind="customer")}
    assert told == {org.handler, org.manager}
    # Fresh investigation and decision deadlines for the second round.
    assert set(
        Clock.objects.filter(complaint=complaint, round=1).values_list("stage", flat=True)
    ) >= {"investigation", "decision"}


def test_a_middling_satisfied_answer_does_not_reopen(client, customer_case):
    complaint = customer_case("follow_up")

    answer(client, complaint, satisfaction="3", resolved="yes")

    complaint.refresh_from_db()
    assert complaint.state == State.FOLLOW_UP


def test_one_answer_per_round(client, customer_case):
    complaint = customer_case("follow_up")
    token = survey_token(complaint)
    answer(client, complaint, token=token, satisfaction="1", resolved="no")

    again = answer(client, complaint, token=token)

    assert again.status_code == 200  # refused politely: the thanks for the answer given
    page = again.content.decode()
    assert 'data-testid="survey-done"' in page and 'data-testid="survey-reopened"' in page
    assert FollowUp.objects.filter(complaint=complaint, method="web").count() == 1
    with pytest.raises(SurveyAnswered):
        survey_answer(complaint=complaint, handling_round=0, satisfaction=5, resolved=True)


def test_the_link_of_an_earlier_round_is_refused(client, customer_case, flow, org):
    complaint = customer_case("follow_up")
    old_token = survey_token(complaint)
    flow.follow_up(complaint, satisfied=False)  # staff recorded a dissatisfied phone visit
    complaint = flow.run(complaint, "reopen")
    for name in ("complete_investigation", "decide", "send_reply"):
        complaint = flow.run(flow.prepare(complaint, name), name)
    assert complaint.state == State.FOLLOW_UP and complaint.reopen_count == 1

    stale = client.get(f"/complaint/survey/{old_token}/")
    posted = answer(client, complaint, token=old_token)

    assert stale.status_code == posted.status_code == 410
    assert 'data-testid="survey-closed"' in stale.content.decode()
    assert not FollowUp.objects.filter(complaint=complaint, method="web").exists()
    with pytest.raises(SurveyClosed):
        survey_answer(complaint=complaint, handling_round=0, satisfaction=5, resolved=True)
    fresh = answer(client, complaint)  # the new round's link works
    assert fresh.status_code == 302


def test_the_survey_is_closed_before_the_reply(client, customer_case):
    complaint = customer_case("investigation")

    response = client.get(survey_url(complaint))

    assert response.status_code == 410


def test_missing_answers_are_asked_for_and_the_comment_kept(client, customer_case):
    complaint = customer_case("follow_up")

    response = client.post(survey_url(complaint), {"comment": "<b>维修师傅</b>很好"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a score from 1 to 5." in html
    assert "Tell us whether the matter is resolved for you." in html
    assert "&lt;b&gt;维修师傅&lt;/b&gt;很好" in html
    assert not FollowUp.objects.filter(complaint=complaint).exists()


def test_a_score_out_of_range_is_refused(client, customer_case):
    complaint = customer_case("follow_up")

    response = answer(client, complaint, satisfaction="9")

    assert response.status_code == 400
    assert not FollowUp.objects.filter(complaint=complaint).exists()


def test_a_tracking_link_does_not_open_the_survey(client, customer_case):
    complaint = customer_case("follow_up")
    tracking = track_url(complaint).split("/")[-2]

    response = client.get(f"/complaint/survey/{tracking}/")

    assert response.status_code == 404


def test_the_staff_case_page_shows_the_online_answer_as_the_customers(client, customer_case, org):
    complaint = customer_case("follow_up")
    answer(client, complaint, satisfaction="1", resolved="no", comment="还是不制冷")
    client.force_login(org.head)

    html = client.get(f"/complaints/{complaint.reference}/").content.decode()

    assert "The customer answered the satisfaction survey online." in html
    assert "reopened the case for a second handling" in html


def test_the_staff_follow_up_panel_names_the_customer(client, customer_case, org):
    complaint = customer_case("follow_up")
    answer(client, complaint, satisfaction="5", resolved="yes")
    client.force_login(org.head)

    html = client.get(f"/complaints/{complaint.reference}/").content.decode()

    assert "the customer, online" in html


def test_staff_cannot_record_an_online_answer_for_the_customer(customer_case, org):
    from complaints.errors import InvalidInput
    from complaints.forms.case import FollowUpForm
    from complaints.services import follow_up_record

    complaint = customer_case("follow_up")

    with pytest.raises(InvalidInput) as error:
        follow_up_record(
            complaint=complaint,
            actor=org.agent,
            method=FollowUpMethod.WEB,
            reached=True,
            satisfaction=5,
            resolved=True,
        )

    assert set(error.value.fields) == {"method"}
    assert "web" not in dict(FollowUpForm().fields["method"].choices)
