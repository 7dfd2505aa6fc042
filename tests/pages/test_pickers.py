"""Category and department pickers follow the tree: a parent, then its children, indented
(issue 12 §2.6). Every picker uses the same helper; each is checked here."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from accounts.models import Department
from accounts.tree import in_tree_order
from complaints.admin.cases import CategoryListFilter
from complaints.forms.case import HandoffForm, TriageForm
from complaints.forms.intake import IntakeForm
from complaints.forms.queues import queue_filterset
from complaints.models import Complaint
from complaints.queues import QUEUES_BY_SLUG
from tests.factories import CategoryFactory, DepartmentFactory

pytestmark = pytest.mark.django_db

INDENT = "\u00a0" * 4

# Codes and sort numbers chosen so that neither the code order nor a flat sort gives the tree.
CATEGORY_TREE = [
    "维修质量",
    "产品质量",
    "— 性能故障",
    "— 外观损伤",
    f"{INDENT}— 运输划痕",
    "服务态度",
    "— 上门迟到",
]
# Departments: roots by name, then each one's children by name (the org fixture's four + two).
DEPARTMENT_TREE = [
    "审计部",
    "总经理办公室",
    "— 客服部",
    "— 服务部",
    f"{INDENT}— 售后组",
    "— 法务部",
]


@pytest.fixture
def trees(org):
    org.category.sort_order = 0
    org.category.save()
    product = CategoryFactory(name="产品质量", code="a-product", sort_order=1)
    CategoryFactory(name="外观损伤", code="b-look", sort_order=2, parent=product)
    performance = CategoryFactory(
        name="性能故障", code="z-performance", sort_order=1, parent=product
    )
    CategoryFactory(
        name="运输划痕",
        code="c-scratch",
        sort_order=1,
        parent=product.children.get(code="b-look"),
    )
    service = CategoryFactory(name="服务态度", code="aa-service", sort_order=3)
    CategoryFactory(name="上门迟到", code="d-late", parent=service)
    CategoryFactory(name="停用的类别", code="e-old", parent=performance, is_active=False)
    DepartmentFactory(name="售后组", code="after-sales", parent=org.service)
    DepartmentFactory(name="审计部", code="audit")
    DepartmentFactory(name="停用部门", code="old", parent=org.service, is_active=False)
    return org


def labels(field) -> list[str]:
    return [str(label) for value, label in field.choices if value != ""]


def test_the_intake_category_picker_follows_the_tree(trees):
    assert labels(IntakeForm().fields["category"]) == CATEGORY_TREE


def test_the_triage_pickers_follow_the_tree(trees, new_complaint):
    form = TriageForm(complaint=new_complaint())

    assert labels(form.fields["category"]) == CATEGORY_TREE
    assert labels(form.fields["department"]) == DEPARTMENT_TREE


def test_the_handoff_department_picker_follows_the_tree(trees, new_complaint):
    form = HandoffForm(complaint=new_complaint())

    assert labels(form.fields["to_department"]) == DEPARTMENT_TREE


def test_the_queue_filters_follow_the_tree_including_inactive_entries(trees):
    filterset = queue_filterset(
        {}, queue=QUEUES_BY_SLUG["all"], queryset=Complaint.objects.all(), allow_closed=True
    )
    fields = filterset.form.fields

    # Old cases keep inactive categories and departments: the filters still offer them.
    assert labels(fields["category"]) == [
        *CATEGORY_TREE[:3],
        f"{INDENT}— 停用的类别",
        *CATEGORY_TREE[3:],
    ]
    assert labels(fields["department"]) == [
        *DEPARTMENT_TREE[:4],
        f"{INDENT}— 停用部门",
        *DEPARTMENT_TREE[4:],
    ]


def test_the_admin_category_filter_follows_the_tree(trees, django_assert_num_queries):
    request = RequestFactory().get("/admin/complaints/complaint/")
    field = Complaint._meta.get_field("category")

    with django_assert_num_queries(1):
        choices = CategoryListFilter(
            field, request, {}, Complaint, site._registry[Complaint], "category"
        ).lookup_choices

    assert [label for pk, label in choices][:5] == [
        *CATEGORY_TREE[:3],
        f"{INDENT}— 停用的类别",
        CATEGORY_TREE[3],
    ]


def test_the_picker_costs_one_query(trees, django_assert_num_queries):
    form = IntakeForm()

    with django_assert_num_queries(1):
        labels(form.fields["category"])


def test_an_entry_whose_parent_is_not_listed_stands_at_the_top_level(org):
    DepartmentFactory(name="售后组", code="after-sales", parent=org.service)
    listed = Department.objects.exclude(pk=org.service.pk).order_by("name")

    assert [(d.name, depth) for d, depth in in_tree_order(listed)] == [
        ("售后组", 0),
        ("总经理办公室", 0),
        ("客服部", 1),
        ("法务部", 1),
    ]
