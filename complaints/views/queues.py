"""The home redirect and the work queues."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from accounts.models import User
from complaints.forms.queues import (
    ORDERING_CHOICES,
    blank_filter_bar,
    filters_applied,
    ordering_for,
    plain_queue_request,
    queue_filterset,
    wants_closed,
)
from complaints.models import Complaint
from complaints.queues import (
    COUNT_CAP,
    BranchUnion,
    Queue,
    lands_on_dashboard,
    natural_queue,
    queue_branches,
    queue_complaints,
    queue_counts,
    queue_get_for_user,
    queue_order,
    queues_for,
)
from complaints.views.paging import CappedPaginator
from complaints.views.queue_rows import queue_rows

PAGE_SIZE = 25


def unwrapped_user(request: HttpRequest) -> User:
    """The signed-in user itself, not the lazy wrapper on the request: a queue page asks it for
    permissions a few hundred times, and every attribute read through the wrapper costs a detour
    (an AttributeError caught inside Django's LazyObject)."""
    user = request.user
    return getattr(user, "_wrapped", user)


def home(request: HttpRequest) -> HttpResponse:
    """Signed in: the dashboard or the queue the user's role starts from; else the sign-in page."""
    if not request.user.is_authenticated:
        return redirect("login")
    if lands_on_dashboard(user=request.user):
        return redirect("reports:dashboard")
    return redirect("queue", slug=natural_queue(user=request.user))


@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    user = unwrapped_user(request)
    current = queue_get_for_user(user=user, slug=slug)
    if current is None:
        raise Http404
    now = timezone.now()
    allow_closed = current.may_include_closed
    include_closed = allow_closed and wants_closed(request.GET)
    complaints = queue_complaints(user=user, queue=current, include_closed=include_closed, now=now)
    ordering = ordering_for(request.GET, queue=current)
    # Most requests filter nothing (the queue as opened, paged or re-sorted): they need no filter
    # set, and their filter bar is the blank one, kept rendered.
    plain = plain_queue_request(request.GET)
    filterset = (
        None
        if plain
        else queue_filterset(
            request.GET, queue=current, queryset=complaints, allow_closed=allow_closed
        )
    )
    branches = (
        None
        if request.GET.get("search", "").strip()  # text indexes narrow a search better
        else queue_branches(user=user, queue=current, include_closed=include_closed, now=now)
    )
    if filterset is not None and branches:
        filterset.is_valid()  # filter_queryset reads the form's cleaned data: validate it first
        branches = [filterset.filter_queryset(branch) for branch in branches]
    if branches:
        cases: BranchUnion | QuerySet[Complaint] = BranchUnion(branches=branches, ordering=ordering)
    else:
        cases = queue_order(complaints if filterset is None else filterset.qs, ordering=ordering)
    page = CappedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "current_queue": current,
        "filter": filterset,
        "form": filterset.form if filterset is not None else None,
        "page": page,
        "complaints": page.object_list,
        "rows": queue_rows(page.object_list, now=now),
        "ordering": ordering,
        "ordering_choices": ORDERING_CHOICES,
        "filtered": filters_applied(request.GET),
        "now": now,
    }
    htmx = request.htmx
    if htmx and not htmx.boosted and not htmx.history_restore_request:
        # The filter bar swaps only the results; the tab counts do not change with filters.
        response = render(request, "staff/queues/_results.html", context)
    else:
        if filterset is None:
            context["filter_bar"] = blank_filter_bar(
                queue=current,
                ordering=ordering,
                render=lambda: _blank_bar_html(request, current, allow_closed, context),
            )
        # The tabs' counts come by queue_tab_counts, after the page.
        response = render(request, "staff/queues/queue.html", context)
    # One address, two bodies (whole page or results only): caches must tell them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _blank_bar_html(request: HttpRequest, current: Queue, allow_closed: bool, context: dict) -> str:
    blank = queue_filterset(
        {}, queue=current, queryset=Complaint.objects.none(), allow_closed=allow_closed
    )
    return render_to_string(
        "staff/queues/_filter_bar.html",
        {**context, "filter": blank, "form": blank.form, "filtered": False},
        request=request,
    )


@login_required
def queue_tab_counts(request: HttpRequest) -> HttpResponse:
    """The queue tabs with their capped counts (staff/queues/_tabs.html), fetched by the queue
    page after it loads and every minute after: counting every tab (one statement, up to eight
    capped counts) is as much work as the list itself, and the list should not wait for it."""
    user = unwrapped_user(request)
    current = queue_get_for_user(user=user, slug=request.GET.get("current", ""))
    context = {
        "current_queue": current,
        "queue_counts": queue_counts(user=user, queues=queues_for(user=user)),
        "count_cap": COUNT_CAP,
    }
    response = render(request, "staff/queues/_tabs.html", context)
    response["Cache-Control"] = "no-store"
    return response
