"""The reveal report: for auditors, filtered by person, customer, detail and dates, paginated,
at a fixed number of queries, in Chinese and English."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.roles import Role
from complaints.models import ContactReveal
from complaints.views.privacy import PAGE_SIZE
from tests.factories import UserFactory
from tests.privacy.conftest import PHONE, ROLES, World

pytestmark = pytest.mark.django_db

URL = reverse("contact_reveals")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def log(world: World, *, actor=None, field="phone", at=None, reason="call_customer", **extra):
    return ContactReveal.objects.create(
        actor=actor or world.org.agent,
        customer=world.customer,
        complaint=world.complaint,
        field=field,
        reason=reason,
        at=at or local(2026, 3, 10, 9),
        ip_address="10.0.0.7",
        **extra,
    )


def rows(response) -> list[ContactReveal]:
    return list(response.context["rows"])


@pytest.mark.parametrize("role", ROLES)
def test_only_auditors_read_it_and_find_it_in_their_navigation(world: World, client_for, role):
    client = client_for(world.user(role))

    response = client.get(URL)
    home = client.get(reverse("notifications")).content.decode()

    if role == Role.AUDITOR:
        assert response.status_code == 200
        assert 'data-testid="nav-reveals"' in home
    else:
        assert response.status_code == 403
        assert 'data-testid="nav-reveals"' not in home


def test_a_row_says_who_which_detail_of_which_customer_on_which_case_when_and_why(
    world: World, client_for
) -> None:
    log(world, field="address", reason="other", note="法院调取送达地址")

    response = client_for(world.org.auditor).get(URL)
    html = response.content.decode()

    assert [row.field for row in rows(response)] == ["address"]
    for shown in (
        "2026-03-10 09:00",
        world.org.agent.get_full_name(),
        world.customer.name,
        f"#{world.customer.pk}",
        "Address",
        world.complaint.reference,
        "Other (explain)",
        "法院调取送达地址",
        "10.0.0.7",
    ):
        assert shown in html, shown
    assert PHONE not in html  # the report names the detail, never its value


def test_filters_by_person_customer_detail_and_local_dates(world: World, client_for) -> None:
    other = UserFactory(username="agent2", role=Role.AGENT, department=world.org.customer_service)
    mine = log(world, at=local(2026, 3, 1, 0, 0))
    last_minute = log(world, field="email", at=local(2026, 3, 31, 23, 59))
    next_month = log(world, actor=other, at=local(2026, 4, 1, 0, 0))
    client = client_for(world.org.auditor)

    def found(**query: str) -> set[int]:
        response = client.get(URL, query)
        assert response.status_code == 200, response.context["form"].errors
        return {row.pk for row in rows(response)}

    everything = {mine.pk, last_minute.pk, next_month.pk}
    assert found() == everything
    assert found(person=str(other.pk)) == {next_month.pk}
    assert found(field="email") == {last_minute.pk}
    assert found(date_from="2026-03-01", date_to="2026-03-31") == {mine.pk, last_minute.pk}
    assert found(date_from="2026-04-01") == {next_month.pk}
    assert found(customer=f"#{world.customer.pk}") == everything
    assert found(customer="王") == everything
    assert found(customer="138 1234 5678") == everything  # the whole number, however written
    assert found(customer="wang.wei@example.com") == everything
    assert found(customer="1381234") == set()  # never a piece of a number
    assert found(customer=f"#{world.customer.pk + 1}") == set()
    # the people to choose from: those who revealed something
    people = client.get(URL).context["form"].fields["person"].queryset
    assert set(people) == {world.org.agent, other}


def test_bad_filters_are_said_and_ignored(world: World, client_for) -> None:
    log(world)

    response = client_for(world.org.auditor).get(
        URL, {"date_from": "2026-04-02", "date_to": "2026-04-01", "person": "999999"}
    )

    assert response.status_code == 200
    assert 'data-testid="filter-errors"' in response.content.decode()
    assert len(rows(response)) == 1


def test_pages_of_fifty_newest_first(world: World, client_for) -> None:
    start = local(2026, 3, 1, 8)
    ContactReveal.objects.bulk_create(
        ContactReveal(
            actor=world.org.agent,
            customer=world.customer,
            complaint=world.complaint,
            field="phone",
            reason="call_customer",
            at=start + timedelta(minutes=minute),
        )
        for minute in range(PAGE_SIZE + 1)
    )
    client = client_for(world.org.auditor)

    first, second = client.get(URL), client.get(URL, {"page": "2"})

    assert len(rows(first)) == PAGE_SIZE and len(rows(second)) == 1
    assert rows(first)[0].at == start + timedelta(minutes=PAGE_SIZE)
    assert rows(second)[0].at == start
    assert 'data-testid="page-next"' in first.content.decode()
    assert "51 reveals" in first.content.decode()


@pytest.mark.parametrize("count", [1, 40])
def test_the_page_costs_the_same_queries_however_many_rows(
    world: World, client_for, django_assert_num_queries, count
) -> None:
    for minute in range(count):
        other = UserFactory(role=Role.HANDLER, department=world.org.service) if minute % 7 else None
        log(world, actor=other, at=local(2026, 3, 1, 8) + timedelta(minutes=minute))
    client = client_for(world.org.auditor)
    client.get(URL)  # sessions and permissions warmed like any later page

    # session, user, the auditor's permissions (user and group), the count, unread
    # notifications and roles (navigation), the people of the person filter, the page of rows
    # (people, departments, customers and cases joined)
    with django_assert_num_queries(9):
        response = client.get(URL)
    assert len(rows(response)) == count


def test_it_reads_in_chinese_and_in_english(world: World, client_for) -> None:
    log(world)

    chinese = client_for(world.org.auditor, language="zh-hans").get(URL).content.decode()
    english = client_for(world.org.auditor).get(URL).content.decode()

    assert "Contact detail reveals" in english and "联系方式查看记录" in chinese
    assert "To call or text the customer" in english and "给客户打电话或发短信" in chinese
    assert ">Phone<" in english and ">电话<" in chinese
    assert "Reveal log" in english and "查看记录" in chinese


def test_the_date_pickers_keep_the_dates_asked_for_in_chinese(world: World, client_for) -> None:
    html = (
        client_for(world.org.auditor, language="zh-hans")
        .get(URL, {"date_from": "2026-03-01", "date_to": "2026-03-31"})
        .content.decode()
    )

    assert 'name="date_from" value="2026-03-01"' in html
    assert 'name="date_to" value="2026-03-31"' in html


def test_the_customer_page_links_an_auditor_to_its_reveals(world: World, client_for) -> None:
    log(world)
    page = reverse("customer_detail", args=[world.customer.pk])

    html = client_for(world.org.auditor).get(page).content.decode()

    assert f'href="{URL}?customer=%23{world.customer.pk}"' in html
    assert 'data-testid="customer-reveals"' not in (
        client_for(world.org.agent).get(page).content.decode()
    )


def test_the_empty_report_says_so(world: World, client_for) -> None:
    html = client_for(world.org.auditor).get(URL).content.decode()

    assert 'data-testid="reveals-empty"' in html
