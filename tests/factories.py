"""factory-boy factories. Users get their role group, so permissions are the real ones."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Department, User
from accounts.roles import Role
from complaints.models import Category, Channel, Complaint, Customer, Severity


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"部门{n}")
    code = factory.Sequence(lambda n: f"dept-{n}")
    kind = Department.Kind.BUSINESS


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="zh_CN")
    last_name = factory.Faker("last_name", locale="zh_CN")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    approval_limit = Decimal("0")
    password = factory.django.Password("demo1234")

    @factory.post_generation
    def role(self, create: bool, extracted: Role | str | None, **kwargs) -> None:
        if create and extracted:
            self.groups.add(Group.objects.get(name=str(extracted)))


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"类别{n}")
    code = factory.Sequence(lambda n: f"cat-{n}")
    default_severity = Severity.GENERAL


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Faker("name", locale="zh_CN")
    phone = factory.Sequence(lambda n: f"+86139{n:08d}")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    region = "上海市"


class ComplaintFactory(factory.django.DjangoModelFactory):
    """A complaint row in `intake`; use the services (or tests.conftest helpers) to move it."""

    class Meta:
        model = Complaint

    reference = factory.Sequence(lambda n: f"CP-2026-{n + 900000:06d}")
    customer = factory.SubFactory(CustomerFactory)
    channel = Channel.PHONE
    received_at = factory.LazyFunction(timezone.now)
    subject = "产品质量问题"
    description = "购买的商品使用一周后出现故障。"
    severity = Severity.GENERAL
