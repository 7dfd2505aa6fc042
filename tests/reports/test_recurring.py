"""Recurring problems: rising categories, products and regions; repeat complainants."""

from __future__ import annotations

from datetime import timedelta

from reports.selectors.recurring import (
    RiseRule,
    repeat_complainants,
    rising,
    rising_by_dimension,
)
from reports.selectors.scope import ReportScope
from tests.factories import CategoryFactory, CustomerFactory
from tests.reports.conftest import local

EVERYTHING = ReportScope(departments=None)
RULE = RiseRule(window_days=30, min_cases=5, min_percent=50)


def many(case, count: int, start, **fields) -> None:
    for offset in range(count):
        case(start + timedelta(hours=offset), **fields)


def test_a_category_rises_against_both_the_window_before_and_a_year_ago(case, periods) -> None:
    # The window: 15 September to 14 October; before: 16 August to 14 September.
    rising_category = CategoryFactory(code="doors", name="门窗")
    steady_category = CategoryFactory(code="floors", name="地板")
    small_category = CategoryFactory(code="paint", name="油漆")
    many(case, 6, local(2026, 10, 1), category=rising_category)
    many(case, 3, local(2026, 9, 1), category=rising_category)  # +100 %
    many(case, 2, local(2025, 9, 20), category=rising_category)  # +200 %
    many(case, 6, local(2026, 10, 1), category=steady_category)
    many(case, 5, local(2026, 9, 1), category=steady_category)  # only +20 %
    many(case, 4, local(2026, 10, 1), category=small_category)  # under 5 cases

    found = rising(scope=EVERYTHING, periods=periods, dimension="category", rule=RULE)

    assert [(item.key, item.current, item.previous, item.year_ago) for item in found] == [
        ("doors", 6, 3, 2)
    ]
    assert found[0].rise_on_previous == 100
    assert found[0].rise_on_year_ago == 200


def test_a_region_rising_from_nothing_and_a_product_short_of_the_year_ago_rise(
    case, periods
) -> None:
    many(case, 5, local(2026, 9, 15, 0, 30), region="北京市")  # the window's first day
    many(case, 5, local(2026, 10, 2), product_or_service="电视机")
    many(case, 4, local(2025, 10, 1), product_or_service="电视机")  # +25 % on a year ago
    many(case, 9, local(2026, 10, 2), region="")  # no region written: not a group

    regions = rising(scope=EVERYTHING, periods=periods, dimension="region", rule=RULE)
    products = rising(scope=EVERYTHING, periods=periods, dimension="product", rule=RULE)

    assert [(item.key, item.current) for item in regions] == [("北京市", 5)]
    assert regions[0].rise_on_previous is None  # from none
    assert products == []


def test_repeat_complainants_have_more_than_k_complaints_in_the_window(case, periods) -> None:
    often = CustomerFactory(name="陈嘉伟")
    twice = CustomerFactory(name="潘娟")
    long_ago = CustomerFactory(name="姜海燕")
    for day in (1, 5, 9):
        case(local(2026, 10, day), customer=often)
    for day in (1, 5):
        case(local(2026, 10, day), customer=twice)
    # 90 days ending today start on 17 July: the third complaint is a day too old.
    case(local(2026, 7, 16, 23, 30), customer=long_ago)
    case(local(2026, 8, 1), customer=long_ago)
    case(local(2026, 9, 1), customer=long_ago)

    found = repeat_complainants(scope=EVERYTHING, periods=periods, more_than=2, days=90)

    assert [(item.name, item.complaints) for item in found] == [("陈嘉伟", 3)]


def test_every_dimension_at_once_is_each_dimension_on_its_own(case, periods) -> None:
    # The dashboard counts the three dimensions together (two queries): the same as one by one.
    doors = CategoryFactory(code="doors", name="门窗")
    many(case, 6, local(2026, 10, 1), category=doors, region="北京市", product_or_service="门")
    many(case, 3, local(2026, 9, 1), category=doors, region="上海市", product_or_service="门")
    many(case, 7, local(2026, 10, 3), region="北京市", product_or_service="窗")
    many(case, 2, local(2025, 9, 20), category=doors, region="北京市")
    many(case, 5, local(2026, 9, 15, 0, 30), region="")
    # Hourly from 23:30 the day before the window: the first in the window before, four in it
    many(case, 5, local(2026, 9, 14, 23, 30), product_or_service="窗")

    together = rising_by_dimension(scope=EVERYTHING, periods=periods, rule=RULE)

    assert set(together) == {"category", "product", "region"}
    for dimension, found in together.items():
        assert found == rising(scope=EVERYTHING, periods=periods, dimension=dimension, rule=RULE)
    assert [
        (item.key, item.current, item.previous, item.year_ago) for item in together["region"]
    ] == [("北京市", 13, 0, 2)]
    assert [(item.key, item.current, item.previous) for item in together["product"]] == [
        ("窗", 11, 1),
        ("门", 6, 3),
    ]
