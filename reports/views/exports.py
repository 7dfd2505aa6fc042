"""Export pages: the form (CSV streamed at once, XLSX built in the background), the job's page
that follows its progress, and the download. Thin: the services check and do the work."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from complaints.errors import InvalidInput, NotFound, PermissionDenied
from reports.forms import ExportForm
from reports.selectors.exports import export_job_get_for_user, export_jobs_recent
from reports.services.exports import (
    export_csv_filename,
    export_csv_stream,
    export_ensure_allowed,
    export_job_file,
    export_job_request,
    export_xlsx_filename,
)


def _allowed(request: HttpRequest) -> None:
    try:
        export_ensure_allowed(user=request.user)  # type: ignore[arg-type]
    except PermissionDenied as error:
        raise HttpForbidden(error.message) from error


def _language() -> str:
    return get_language() or "zh-hans"


@login_required
@require_http_methods(["GET", "POST"])
def export_page(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    if request.method == "POST":
        form = ExportForm(request.POST)
        if form.is_valid():
            try:
                job = export_job_request(user=request.user, spec=form.spec(), language=_language())  # type: ignore[arg-type]
            except InvalidInput as error:
                for field, messages in error.fields.items():
                    for message in messages:
                        form.add_error(field if field in form.fields else None, message)
            else:
                return redirect("reports:export-job", pk=job.pk)
    else:
        form = ExportForm(request.GET or None, initial=ExportForm.initial_period())
        if request.GET:
            form.is_valid()
    return render(
        request,
        "reports/exports/page.html",
        {"form": form, "jobs": export_jobs_recent(user=request.user)},  # type: ignore[arg-type]
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "reports/exports/page.html",
            {"form": form, "jobs": export_jobs_recent(user=request.user)},  # type: ignore[arg-type]
            status=400,
        )
    spec = form.spec()
    pieces = export_csv_stream(user=request.user, spec=spec, language=_language())  # type: ignore[arg-type]
    response = StreamingHttpResponse(
        (piece.encode("utf-8") for piece in pieces), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export_csv_filename(spec)}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        job = export_job_get_for_user(user=request.user, job_id=pk)  # type: ignore[arg-type]
    except NotFound as error:
        raise Http404(error.message) from error
    template = (
        "reports/exports/_job_status.html" if request.htmx else "reports/exports/job.html"  # type: ignore[attr-defined]
    )
    return render(request, template, {"job": job})


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    try:
        job, opened = export_job_file(user=request.user, job_id=pk)  # type: ignore[arg-type]
    except NotFound as error:
        raise Http404(error.message) from error
    response = FileResponse(opened, as_attachment=True, filename=export_xlsx_filename(job))
    response["Cache-Control"] = "no-store"
    return response
