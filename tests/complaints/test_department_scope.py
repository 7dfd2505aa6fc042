"""Whose complaints a department-scoped user works on: a head their department's subtree, everyone
else their own department only (accounts.selectors.department_scope_ids, one query)."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from accounts.selectors import department_scope_ids
from complaints.selectors import complaints_workable_by
from tests.factories import ComplaintFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(org):
    """service → repairs → repairs-north; legal beside it."""
    repairs = DepartmentFactory(name="维修组", code="repairs", parent=org.service)
    north = DepartmentFactory(name="北区维修组", code="repairs-north", parent=repairs)
    return org, repairs, north


def test_a_head_works_on_the_whole_subtree_of_the_department_they_head(tree):
    org, repairs, north = tree

    assert department_scope_ids(user=org.head) == {org.service.pk, repairs.pk, north.pk}
    cases = [ComplaintFactory(department=d) for d in (org.service, repairs, north, org.legal)]
    workable = set(complaints_workable_by(user=org.head))
    assert workable >= set(cases[:3]) and cases[3] not in workable


def test_a_handler_works_on_their_own_department_only(tree):
    org, _repairs, _north = tree

    assert department_scope_ids(user=org.handler) == {org.service.pk}


def test_heading_another_department_than_ones_own_gives_no_subtree(tree, django_assert_num_queries):
    org, repairs, _north = tree
    # Heads the repairs group on paper, but belongs to the service department.
    odd = UserFactory(username="odd", role=Role.DEPT_HEAD, department=org.service)
    repairs.head = odd
    repairs.save()

    with django_assert_num_queries(1):
        assert department_scope_ids(user=odd) == {org.service.pk}
    # Asked again in the same request: remembered on the user.
    with django_assert_num_queries(0):
        department_scope_ids(user=odd)


def test_a_user_without_a_department_has_no_scope(org):
    loner = UserFactory(username="loner", role=Role.HANDLER, department=None)
    assert department_scope_ids(user=loner) == set()
