"""The notification inbox: reminders, escalations, assignments and approval requests."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from complaints.errors import NotFound
from complaints.selectors import (
    complaint_is_visible_to,
    notification_get_for_user,
    notifications_for,
    notifications_grouped,
)
from complaints.services import notification_mark_read, notifications_mark_all_read

PAGE_SIZE = 25


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    page = Paginator(
        notifications_for(user=request.user, unread_only=unread_only), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/notifications/inbox.html",
        {
            "page": page,
            "groups": notifications_grouped(list(page.object_list)),
            "unread_only": unread_only,
            "nav_active": "notifications",
        },
    )


@login_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark it read, then go to the case it is about (or back to the inbox)."""
    try:
        notification = notification_get_for_user(user=request.user, pk=pk)
        notification_mark_read(notification=notification, user=request.user)
    except NotFound as error:
        raise Http404(error.message) from error
    if (
        notification.complaint_id
        and request.POST.get("then") != "inbox"
        # A case that left the reader's sight (handed to another department) is not opened.
        and complaint_is_visible_to(user=request.user, complaint=notification.complaint)  # type: ignore[arg-type]
    ):
        try:
            return redirect(reverse("case_detail", args=[notification.complaint.reference]))
        except NoReverseMatch:
            pass  # the case page is not installed: stay in the inbox
    return redirect(_back_to_inbox(request))


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    changed = notifications_mark_all_read(user=request.user)
    if changed:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked as read.",
                "%(count)d notifications marked as read.",
                changed,
            )
            % {"count": changed},
        )
    if request.headers.get("HX-Request"):
        # htmx: reload the whole inbox (marks, counts and the top bar) where the user is.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = _back_to_inbox(request)
        return response
    return redirect(_back_to_inbox(request))


def _back_to_inbox(request: HttpRequest) -> str:
    # Keep the page and the unread filter the user was on; only our own query keys pass.
    url = reverse("notifications")
    query = {key: request.POST[key] for key in ("page", "show") if request.POST.get(key)}
    return f"{url}?{urlencode(query)}" if query else url
