"""The report page: a period and filters (GET), every figure of that period beside the one
before it, printable; its tables as CSV or XLSX (?format=csv|xlsx). Thin: the selectors count,
the document service lays the figures out, the page and the files read the same document."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import User
from reports.domain import last_full_month
from reports.forms import ReportForm
from reports.selectors import report_scope_for
from reports.selectors.report import report_figures
from reports.services.report_document import report_document
from reports.services.report_files import report_csv, report_xlsx
from reports.views.dashboard import _scope_label

FILE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _default_query() -> dict[str, Any]:
    initial = ReportForm.initial_for(last_full_month(timezone.localdate()))
    return {key: str(value) for key, value in initial.items()}


@login_required
@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    scope = report_scope_for(user=user)
    if scope is None:
        raise PermissionDenied(_("Reports are for department heads and managers."))
    query = request.GET.copy()
    file_type = query.pop("format", [""])[0]
    if file_type and file_type not in FILE_TYPES:
        return HttpResponse(_("Unknown file type."), status=400, content_type="text/plain")
    form = ReportForm(query or _default_query())
    context: dict[str, Any] = {"form": form, "nav_active": "report"}
    if not form.is_valid():
        return render(request, "reports/report.html", context, status=400)
    report = report_figures(
        scope=scope, period=form.period_value(), filters=form.filters(), counted_ahead=True
    )
    document = report_document(
        report, scope_label=_scope_label(scope), filters=form.filter_labels()
    )
    if file_type:
        name = f"report-{report.period.first:%Y%m%d}-{report.period.last:%Y%m%d}.{file_type}"
        body = report_csv(document).encode("utf-8") if file_type == "csv" else report_xlsx(document)
        response = HttpResponse(body, content_type=FILE_TYPES[file_type])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response
    plain = urlencode({key: value for key, value in form.data.items() if value})
    context.update(
        document=document,
        read_at=report.now,
        counted_ahead=report.counted_ahead,
        rollup_minutes=settings.REPORTS_ROLLUP_MINUTES,
        csv_url=f"{reverse('reports:report')}?{plain}&format=csv",
        xlsx_url=f"{reverse('reports:report')}?{plain}&format=xlsx",
        export_url=f"{reverse('reports:exports')}?{urlencode(form.export_query())}",
        can_export=user.has_perm("reports.export_complaints"),
    )
    return render(request, "reports/report.html", context)
