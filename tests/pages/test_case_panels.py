"""The case page's folded actions and its cost: forms built only when opened, a compact timeline.

A folded action is a button: with htmx it fetches its panel (case_panel), without JavaScript it is
a link to the case page with `?open=<key>`, which renders that one panel open. Either way the form
is the one the action posts, so nothing else about acting on a case changes.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.template import base as template_base
from django.templatetags import i18n
from django.test.utils import CaptureQueriesContext

from complaints.models import State
from complaints.services import complaint_add_note, contact_record
from tests.pages.conftest_case import case_url, page_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

# The folded panels a complaint manager is offered on a case under investigation, with a field
# each of them asks for.
FOLDED = [
    ("triage", "triage-panel", "category"),
    ("handoff", "handoff-panel", "to_department"),
    ("evidence", "evidence-panel", "kind"),
    ("pause", "pause-panel", "reason"),
    ("contact", "contact-panel", "channel"),
    ("transition:complete_investigation", "transition-complete_investigation", "findings"),
    ("transition:withdraw", "transition-withdraw", "comment"),
    ("outside_body", "outside-body-panel", "their_reference"),
    ("link", "link-by-reference", "other"),
]


def text(response) -> str:
    return response.content.decode()


def case_part(html: str) -> str:
    return html.split('data-testid="case-page"')[1].split("</article>")[0]


def test_the_page_builds_no_form_for_an_action_nobody_opened(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)

    case = case_part(text(page.get(org.manager, complaint)))

    for _key, testid, _field in FOLDED:
        assert f'data-testid="{testid}"' in case  # still offered: as a button
    assert "<select" not in case and "<option" not in case
    assert case.count("<textarea") == 1  # the note, the one form always at hand
    assert case.count("<form") == 1


@pytest.mark.parametrize(("key", "testid", "field"), FOLDED)
def test_an_opener_fetches_its_panel_or_links_to_the_page_with_it_open(
    page, org, complaint_in, key, testid, field
):
    complaint = complaint_in(State.INVESTIGATION)
    client = page.client(org.manager)
    html = text(client.get(case_url(complaint)))
    anchor = testid.removeprefix("transition-")
    anchor = f"step-{anchor}" if key.startswith("transition:") else testid

    # The button: an htmx fetch of the panel, and a plain link for a browser without JavaScript.
    assert f'hx-get="{case_url(complaint, "case_panel", key)}"' in html
    assert f'href="{case_url(complaint)}?open={key.replace(":", "%3A")}#{anchor}"' in html
    fragment = client.get(case_url(complaint, "case_panel", key), HTTP_HX_REQUEST="true")
    opened = client.get(case_url(complaint), {"open": key})

    assert fragment.status_code == 200
    assert text(fragment).lstrip().startswith("<details")
    assert f'data-testid="{testid}"' in text(fragment) and " open>" in text(fragment)
    assert f'name="{field}"' in text(fragment)
    assert f'name="{field}"' in case_part(text(opened))
    # Opening one panel opens that one only.
    assert case_part(text(opened)).count("<form") == 2  # it and the note


def test_the_panel_address_without_htmx_is_the_page_with_the_panel_open(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)

    response = page.client(org.manager).get(case_url(complaint, "case_panel", "triage"))

    assert response.status_code == 302
    assert response["Location"] == f"{case_url(complaint)}?open=triage"


@pytest.mark.parametrize(
    ("who", "state", "key"),
    [
        ("handler", State.INVESTIGATION, "triage"),  # a handler may not triage
        ("auditor", State.INVESTIGATION, "transition:complete_investigation"),
        ("manager", State.INVESTIGATION, "transition:close"),  # not a step of this stage
        ("manager", State.CLOSED, "evidence"),  # a finished case takes no evidence
        ("manager", State.INVESTIGATION, "nonsense"),
    ],
)
def test_a_panel_the_user_may_not_open_now_is_404(page, org, complaint_in, who, state, key):
    complaint = complaint_in(state)
    client = page.client(getattr(org, who))

    fragment = client.get(case_url(complaint, "case_panel", key), HTTP_HX_REQUEST="true")
    opened = client.get(case_url(complaint), {"open": key})

    assert fragment.status_code == 404
    # Asked on the page, it is simply not there: the page shows what this user may do.
    assert opened.status_code == 200
    assert case_part(text(opened)).count("<select") == 0


def test_a_panel_of_a_case_out_of_sight_is_404(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)

    response = page.client(org.other_handler).get(
        case_url(complaint, "case_panel", "handoff"), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 404


def test_the_first_decision_of_a_round_stands_open_and_another_is_folded(page, org, complaint_in):
    complaint = complaint_in(State.DECISION)

    first = case_part(text(page.get(org.handler, complaint)))

    assert 'name="remedy"' in first  # the step the case waits for: no click to find it


# --- cost ----------------------------------------------------------------------------------------


def _queries(client, url, **extra) -> int:
    client.get(url, **extra)  # warm per-process caches (calendar, content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("who", "state", "expected"),
    [
        # session, user (with their department), permissions (2), the case, its assignee and
        # receiver, its eleven prefetches (the procedure checklist the sixth, the outside bodies the
        # seventh: their documents and orders only when there is one; agreements and quality
        # referrals the next two: their payments and answers only when there are any; the
        # registers' legal documents and lost property the last two), the unread count, the user's
        # groups, the case's department; the handler's scope check adds one, and the first
        # decision of a round stands open with its approvers (head: scope and approvers). Then the
        # improvement actions following from the case, its related complaints and the customer's
        # standing as a repeat complainant (one each); at intake and triage the possible
        # duplicates add two (the customers with the same phone or e-mail, then the cases).
        ("manager", State.INVESTIGATION, 22),
        ("handler", State.INVESTIGATION, 23),
        ("head", State.DECISION, 26),
        ("agent", State.TRIAGE, 24),
    ],
)
def test_the_page_query_count_is_pinned_per_role(page, org, complaint_in, who, state, expected):
    complaint = complaint_in(state)

    assert _queries(page.client(getattr(org, who)), case_url(complaint)) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        # session, user, permissions (2), the case, its people, its decisions and clocks; then the
        # choices:
        ("triage", 11),  # categories, departments, people
        ("handoff", 10),  # departments, people
        ("contact", 9),  # the canned replies that fit (none here)
        ("transition:complete_investigation", 8),
    ],
)
def test_a_panel_fetch_query_count_is_pinned(page, org, complaint_in, key, expected):
    complaint = complaint_in(State.INVESTIGATION)
    url = case_url(complaint, "case_panel", key)

    assert _queries(page.client(org.manager), url, HTTP_HX_REQUEST="true") == expected


def _template_work(client, url) -> Counter:
    """Filters applied and {% translate %} tags rendered for the page, by name."""
    work: Counter = Counter()
    resolve = template_base.FilterExpression.resolve
    translate = i18n.TranslateNode.render

    def counted_resolve(expression, context, ignore_failures=False):
        work.update(function.__name__ for function, _args in expression.filters)
        return resolve(expression, context, ignore_failures)

    def counted_translate(node, context):
        work["translate"] += 1
        return translate(node, context)

    template_base.FilterExpression.resolve = counted_resolve
    i18n.TranslateNode.render = counted_translate
    try:
        client.get(url)
    finally:
        template_base.FilterExpression.resolve = resolve
        i18n.TranslateNode.render = translate
    return work


def test_a_timeline_event_is_printed_not_worked_out_by_the_template(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)
    client = page.client(org.manager)
    before = _template_work(client, case_url(complaint))
    for number in range(20):
        complaint_add_note(complaint=complaint, actor=org.manager, text=f"备注 {number}")
        contact_record(
            complaint=complaint,
            actor=org.manager,
            channel="phone",
            direction="outbound",
            summary=f"电话 {number}",
        )

    added = _template_work(client, case_url(complaint)) - before

    # Times, classes and words are worked out once in Python (timeline.py): per event the
    # template applies no date filter and renders no translation (it used to do three), and
    # breaks lines only in the free text (the comment and one detail of a contact).
    assert added["date"] == 0 and added["translate"] == 0, added
    assert added["linebreaksbr"] <= 40 + 20, added
