"""Shared fixtures: a small organisation with one user per role, as the services expect it."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from decimal import Decimal

import pytest
from celery._state import _set_task_join_will_block
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache

from accounts.models import Department, User
from accounts.roles import ROLE_PERMISSIONS, Role
from complaints import sms
from complaints.models import Category, Complaint
from complaints.services import complaint_create
from complaints.services.intake import reference_sequences_forget
from config.dispatch import broker_breaker_reset
from tests.factories import CategoryFactory, DepartmentFactory, UserFactory
from tests.imap import imap, imap_server  # noqa: F401  (fixtures: a Dovecot IMAP server)
from tests.processes import private_broker  # noqa: F401  (fixture: a Redis broker of the test's own)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # The production static storage needs collectstatic's manifest; tests render without one.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Uploads go to a scratch folder per test.
    settings.MEDIA_ROOT = tmp_path / "media"
    # The org fixture creates eight users; the default hasher would spend seconds per test on them.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    # Tasks run in-process: no test depends on a broker or leaves messages under var/. The
    # real-worker test (tests/sla/test_worker_e2e.py) turns this off again.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    # The cache outlives each test's rolled-back transaction: what it holds (the queue filter's
    # lists, rate-limit counts) must not leak from one test into the next.
    cache.clear()
    # Nor does a broker one test stopped count as down in the next.
    broker_breaker_reset()
    # Celery marks "inside a task" with one process-wide flag that each eager task sets and then
    # restores to what it found. Two eager tasks in two threads at once (the concurrency tests'
    # intakes each queue a text) can restore it in the wrong order and leave it set, and every
    # later `result.get()` of the process then refuses ("Never call result.get() within a task").
    _set_task_join_will_block(False)
    # Texts to customers are kept in complaints.sms.outbox (as Django's locmem e-mail backend
    # keeps e-mails), and go at any hour: the tests of the window set it themselves.
    settings.COMPLAINTS_SMS_BACKEND = "complaints.sms.backends.LocmemBackend"
    settings.COMPLAINTS_SMS_WINDOW_START = settings.COMPLAINTS_SMS_WINDOW_END = "00:00"
    sms.outbox.clear()


# Rows the data migrations create besides the role groups: the default calendar, the default SLA
# policies and the escalation settings.
DATA_MIGRATIONS = [
    ("sla.migrations.0002_default_calendar", "create_default_calendar"),
    ("sla.migrations.0005_default_policies", "create_policies"),
    # Which pauses stop which clock: without it every pause would leave every clock running.
    ("sla.migrations.0011_pause_reasons_per_target", "set_defaults"),
]


@pytest.fixture(autouse=True)
def _fresh_reference_sequences():
    # A test's transaction rolls back the year's reference sequence it made (PostgreSQL), but the
    # process would remember it: each test starts from what the database really has.
    reference_sequences_forget()
    yield
    reference_sequences_forget()


@pytest.fixture(autouse=True)
def _restore_migrated_data(request) -> None:
    """Transactional tests empty every table afterwards, including the rows the migrations
    created (role groups, default calendar, SLA policies); put them back so such a test starts
    from the same organisation and data as any other."""
    marker = request.node.get_closest_marker("django_db")
    marked_transactional = marker is not None and marker.kwargs.get("transaction", False)
    if not (marked_transactional or "transactional_db" in request.fixturenames):
        return
    request.getfixturevalue("transactional_db")
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
                for app_label, codename in (name.split(".") for name in names)
            ]
        )
    # The migrations' own functions, run on today's models (they only create what is missing).
    for module, function in DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


@dataclass
class Org:
    customer_service: Department
    service: Department
    legal: Department
    management: Department
    category: Category
    agent: User
    handler: User
    head: User
    manager: User
    executive: User
    auditor: User
    other_handler: User  # a handler of another department (legal)


@pytest.fixture
def org(db) -> Org:
    return org_build()


def org_build() -> Org:
    """The organisation of the `org` fixture, for fixtures that build their data once per module."""
    management = DepartmentFactory(name="总经理办公室", code="management", kind="management")
    customer_service = DepartmentFactory(
        name="客服部", code="customer-service", kind="customer_service", parent=management
    )
    service = DepartmentFactory(name="服务部", code="service", parent=management)
    legal = DepartmentFactory(name="法务部", code="legal", kind="functional", parent=management)
    category = CategoryFactory(name="维修质量", code="repair-quality", default_department=service)
    agent = UserFactory(
        username="agent", role=Role.AGENT, department=customer_service, approval_limit=500
    )
    handler = UserFactory(
        username="handler", role=Role.HANDLER, department=service, approval_limit=Decimal(2000)
    )
    head = UserFactory(
        username="head", role=Role.DEPT_HEAD, department=service, approval_limit=Decimal(20000)
    )
    service.head = head
    service.save()
    manager = UserFactory(
        username="manager",
        role=Role.COMPLAINT_MANAGER,
        department=customer_service,
        approval_limit=Decimal(50000),
    )
    executive = UserFactory(
        username="executive",
        role=Role.EXECUTIVE,
        department=management,
        approval_limit=Decimal(1000000),
    )
    auditor = UserFactory(username="auditor", role=Role.AUDITOR)
    other_handler = UserFactory(username="legal_handler", role=Role.HANDLER, department=legal)
    return Org(
        customer_service=customer_service,
        service=service,
        legal=legal,
        management=management,
        category=category,
        agent=agent,
        handler=handler,
        head=head,
        manager=manager,
        executive=executive,
        auditor=auditor,
        other_handler=other_handler,
    )


@pytest.fixture
def new_complaint(org: Org):
    """A factory for complaints recorded by the agent through the intake service."""

    def make(**overrides) -> Complaint:
        fields = {
            "actor": org.agent,
            "channel": "phone",
            "subject": "空调维修后仍不制冷",
            "description": "上周维修过的空调再次不制冷，要求重新维修并赔偿损失。",
            "customer_name": "王先生",
            "customer_phone": "13812345678",
            "category": org.category,
        }
        fields.update(overrides)
        return complaint_create(**fields)

    return make
