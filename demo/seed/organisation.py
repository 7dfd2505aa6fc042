"""The demo departments, users and categories, created get-or-create style."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db.models import Q

from accounts.models import Department, User
from accounts.roles import Role
from complaints.models import Category
from demo import data


@dataclass
class Org:
    departments: dict[str, Department]
    users: dict[str, User]
    categories: dict[str, Category]

    def handler(self, department: str) -> User:
        return self.users[data.DEPARTMENT_STAFF[department][0]]

    def head(self, department: str) -> User:
        return self.users[data.DEPARTMENT_STAFF[department][1]]


def ensure_organisation() -> Org:
    departments = _ensure_departments()
    users = _ensure_users(departments)
    categories: dict[str, Category] = {}
    for position, definition in enumerate(data.CATEGORY_TREE, start=1):
        _ensure_category(definition, None, position * 10, departments, categories)
    return Org(departments=departments, users=users, categories=categories)


def _ensure_departments() -> dict[str, Department]:
    departments: dict[str, Department] = {}
    for definition in data.DEPARTMENTS:
        department = Department.objects.filter(
            Q(code=definition.code) | Q(name=definition.name)
        ).first()
        if department is None:
            department = Department.objects.create(
                code=definition.code,
                name=definition.name,
                name_en=data.DEPARTMENT_NAMES_EN.get(definition.code, ""),
                kind=definition.kind,
                parent=departments.get(definition.parent) if definition.parent else None,
                contact_email=definition.email,
            )
        _fill_english_name(department, data.DEPARTMENT_NAMES_EN.get(definition.code, ""))
        departments[definition.code] = department
    return departments


def _fill_english_name(row: Department | Category, name_en: str) -> None:
    """A demo seeded before English names existed gets them; one set by hand is kept."""
    if name_en and not row.name_en:
        row.name_en = name_en
        row.save(update_fields=["name_en"])


def _ensure_users(departments: dict[str, Department]) -> dict[str, User]:
    users: dict[str, User] = {}
    password = None
    for definition in data.USERS:
        user = User.objects.filter(username=definition.username).first()
        if user is None:
            # One hash for all: PBKDF2 is slow on purpose and the demo password is public anyway.
            password = password or make_password(data.DEMO_PASSWORD)
            user = User.objects.create(
                username=definition.username,
                password=password,
                first_name=definition.first_name,
                last_name=definition.last_name,
                email=f"{definition.username}@example.com",
                is_staff=_admin_site_door(definition),
                is_superuser=definition.superuser,
                department=departments.get(definition.department)
                if definition.department
                else None,
                approval_limit=Decimal(definition.approval_limit),
            )
            if definition.role is not None:
                user.groups.add(Group.objects.get(name=definition.role.value))
        elif user.is_staff != _admin_site_door(definition):
            # A demo seeded when every login was staff: only the administrator and the auditor
            # (who reads the audit log there) open the admin site now.
            user.is_staff = _admin_site_door(definition)
            user.save(update_fields=["is_staff"])
        users[definition.username] = user
        if definition.heads:
            department = departments[definition.heads]
            if department.head_id is None:
                department.head = user
                department.save(update_fields=["head"])
    return users


def _admin_site_door(definition: data.UserDef) -> bool:
    """Staff status opens the admin site: the administrator's, the auditor's audit log, and the
    complaint manager's canned replies (issue 18 §3)."""
    return definition.superuser or definition.role in (Role.AUDITOR, Role.COMPLAINT_MANAGER)


def _ensure_category(
    definition: data.CategoryDef,
    parent: Category | None,
    sort_order: int,
    departments: dict[str, Department],
    categories: dict[str, Category],
) -> None:
    category, _created = Category.objects.get_or_create(
        code=definition.code,
        defaults={
            "name": definition.name,
            "name_en": data.CATEGORY_NAMES_EN.get(definition.code, ""),
            "parent": parent,
            "default_department": departments[definition.department],
            "default_severity": definition.severity,
            "description": definition.description,
            "sort_order": sort_order,
        },
    )
    _fill_english_name(category, data.CATEGORY_NAMES_EN.get(definition.code, ""))
    categories[definition.code] = category
    for position, child in enumerate(definition.children, start=1):
        _ensure_category(child, category, position * 10, departments, categories)
