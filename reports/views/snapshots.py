"""Past report snapshots: the list, one snapshot read as its frozen report, and its XLSX."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import User
from reports.models import ReportSnapshot
from reports.selectors import ReportScope, report_scope_for
from reports.selectors.snapshots import snapshots_for
from reports.services.snapshots import XLSX_TYPE, snapshot_document, snapshot_xlsx


def _scope(request: HttpRequest) -> ReportScope:
    user: User = request.user  # type: ignore[assignment]
    scope = report_scope_for(user=user)
    if scope is None:
        raise PermissionDenied(_("Reports are for department heads and managers."))
    return scope


def _snapshot(request: HttpRequest, pk: int, *, with_figures: bool) -> ReportSnapshot:
    snapshots = snapshots_for(scope=_scope(request))
    if with_figures:
        snapshots = snapshots.defer(None)
    snapshot = snapshots.filter(pk=pk).first()
    if snapshot is None:
        raise Http404("No such snapshot.")
    return snapshot


@login_required
@require_GET
def snapshot_list(request: HttpRequest) -> HttpResponse:
    snapshots = list(snapshots_for(scope=_scope(request))[:120])
    return render(
        request,
        "reports/snapshots.html",
        {"snapshots": snapshots, "nav_active": "report"},
    )


@login_required
@require_GET
def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = _snapshot(request, pk, with_figures=True)
    return render(
        request,
        "reports/snapshot.html",
        {"snapshot": snapshot, "document": snapshot_document(snapshot), "nav_active": "report"},
    )


@login_required
@require_GET
def snapshot_download(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = _snapshot(request, pk, with_figures=True)
    # Built now, in the reader's language, with the names as they read now (never stored).
    name, content = snapshot_xlsx(snapshot, translation.get_language())
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
