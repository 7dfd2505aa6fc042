"""The home redirect and the work queues."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from complaints.forms.queues import (
    ORDERING_CHOICES,
    filters_applied,
    ordering_for,
    queue_filterset,
    wants_closed,
)
from complaints.queues import (
    COUNT_CAP,
    natural_queue,
    queue_complaints,
    queue_counts,
    queue_get_for_user,
    queue_order,
    queues_for,
)
from complaints.views.paging import CappedPaginator

PAGE_SIZE = 25


def home(request: HttpRequest) -> HttpResponse:
    """Signed in: the queue the user's role starts from; otherwise the sign-in page."""
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect("queue", slug=natural_queue(user=request.user))


@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    user = request.user
    current = queue_get_for_user(user=user, slug=slug)
    if current is None:
        raise Http404
    now = timezone.now()
    allow_closed = current.may_include_closed
    complaints = queue_complaints(
        user=user,
        queue=current,
        include_closed=allow_closed and wants_closed(request.GET),
        now=now,
    )
    filterset = queue_filterset(
        request.GET, queue=current, queryset=complaints, allow_closed=allow_closed
    )
    ordering = ordering_for(request.GET, queue=current)
    page = CappedPaginator(queue_order(filterset.qs, ordering=ordering), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "current_queue": current,
        "filter": filterset,
        "form": filterset.form,
        "page": page,
        "complaints": page.object_list,
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
        context["queue_counts"] = queue_counts(user=user, queues=queues_for(user=user), now=now)
        context["count_cap"] = COUNT_CAP
        response = render(request, "staff/queues/queue.html", context)
    # One address, two bodies (whole page or results only): caches must tell them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response
