"""The signed-in user is read with their department (accounts.backends)."""

from __future__ import annotations

import pytest

from accounts.backends import UserWithDepartmentBackend

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_their_department(org, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = UserWithDepartmentBackend().get_user(org.handler.pk)
        assert user.department.name == org.service.name


def test_a_deactivated_or_unknown_user_is_nobody(org):
    org.handler.is_active = False
    org.handler.save()

    assert UserWithDepartmentBackend().get_user(org.handler.pk) is None
    assert UserWithDepartmentBackend().get_user(999_999) is None
