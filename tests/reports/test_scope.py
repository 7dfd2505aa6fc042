"""Whose cases the figures count: everything, or a department head's subtree."""

from __future__ import annotations

from complaints.models import Handoff, State
from reports.selectors import dashboard_figures, report_scope_for
from tests.factories import DepartmentFactory
from tests.reports.conftest import NOW, local


def test_who_may_open_dashboards_and_what_they_count(org) -> None:
    for everyone in (org.manager, org.executive, org.auditor):
        assert report_scope_for(user=everyone).everything
    assert report_scope_for(user=org.head).departments == {org.service.pk}
    assert report_scope_for(user=org.handler) is None
    assert report_scope_for(user=org.agent) is None
    org.manager.is_active = False
    assert report_scope_for(user=org.manager) is None


def test_a_head_counts_their_subtree_and_a_moved_case_where_it_is_now(org, case, periods) -> None:
    north = DepartmentFactory(name="服务部北区", code="service-north", parent=org.service)
    case(local(2026, 10, 12), state=State.TRIAGE)  # service
    case(local(2026, 10, 12), state=State.INVESTIGATION, department=north)  # below service
    case(local(2026, 10, 12), state=State.INVESTIGATION, department=org.legal)  # elsewhere
    # Received by the service department, then handed to legal: legal's case now.
    moved = case(local(2026, 10, 2), state=State.INVESTIGATION, department=org.legal)
    Handoff.objects.create(
        complaint=moved,
        from_department=org.service,
        to_department=org.legal,
        note="涉及合同条款，转法务部",
        handed_off_by=org.head,
        at=local(2026, 10, 5),
    )
    # Assigned to the head though owned by legal: the head reads it, their dashboard leaves it out.
    case(local(2026, 10, 12), state=State.DECISION, department=org.legal, assignee=org.head)

    head = dashboard_figures(scope=report_scope_for(user=org.head), now=NOW)
    manager = dashboard_figures(scope=report_scope_for(user=org.manager), now=NOW)

    assert head.backlog.total == 2
    assert head.new.month == 2
    assert {share.key: share.count for share in head.breakdowns["department"]} == {
        "service": 1,
        "service-north": 1,
    }
    assert manager.backlog.total == 5
    assert manager.new.month == 5


def test_a_head_without_a_department_counts_nothing(org, case, periods) -> None:
    org.head.department = None
    case(local(2026, 10, 12), state=State.TRIAGE)

    figures = dashboard_figures(scope=report_scope_for(user=org.head), now=NOW)

    assert figures.backlog.total == 0
    assert figures.trend[-1][1] == 0
