"""People's requests about their data (/privacy/requests/): the list with what is due, recording one,
its page (prepare and download the export, erase with confirmation, refuse). Thin: the services in
complaints.services.rights check the permission and do the work; every step is audited there."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from complaints import errors
from complaints.downloads import stored_file_response
from complaints.forms.base import ServiceForm
from complaints.forms.privacy import EraseForm, RefuseRequestForm, RightsRequestForm
from complaints.models import RightsRequest, State
from complaints.privacy import contact_details_of
from complaints.selectors.rights import (
    LIST_FILTERS,
    LIST_OPEN,
    rights_request_get,
    rights_requests_list,
    rights_requests_open_counts,
    rights_subject_cases,
)
from complaints.services.rights import (
    ErasureCheck,
    rights_ensure_allowed,
    rights_erase,
    rights_erasure_check,
    rights_export_download,
    rights_export_prepare,
    rights_request_record,
    rights_request_refuse,
)

PER_PAGE = 25


def _allowed(request: HttpRequest) -> None:
    try:
        rights_ensure_allowed(user=request.user)  # type: ignore[arg-type]
    except errors.PermissionDenied as error:
        raise HttpForbidden(error.message) from error


def _load(request: HttpRequest, pk: int) -> RightsRequest:
    _allowed(request)
    try:
        return rights_request_get(pk=pk)
    except errors.NotFound as error:
        raise Http404(error.message) from error


def _detail_url(pk: int, anchor: str = "") -> str:
    return reverse("rights_detail", args=[pk]) + anchor


@login_required
@require_GET
def rights_list(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    show = request.GET.get("show", LIST_OPEN)
    if show not in LIST_FILTERS:
        show = LIST_OPEN
    page = Paginator(rights_requests_list(show=show), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/rights/list.html",
        {
            "page": page,
            "requests": page.object_list,
            "show": show,
            "counts": rights_requests_open_counts(),
            "now": timezone.now(),
            "nav_active": "rights",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rights_new(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = RightsRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = rights_request_record(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except errors.InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("Request %(code)s is recorded; it is due by %(due)s.")
                % {
                    "code": recorded.code,
                    "due": timezone.localtime(recorded.due_at).strftime("%Y-%m-%d"),
                },
            )
            return redirect(_detail_url(recorded.pk))
    status = 422 if form.is_bound and form.errors else 200
    return render(
        request,
        "staff/rights/new.html",
        {"form": form, "nav_active": "rights"},
        status=status,
    )


def _detail(
    request: HttpRequest,
    rights_request: RightsRequest,
    *,
    refuse_form: ServiceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    customer_ids = [customer.pk for customer in rights_request.customers.all()]
    cases = rights_subject_cases(customer_ids=customer_ids)
    return render(
        request,
        "staff/rights/detail.html",
        {
            "rr": rights_request,
            # The requester's phone and e-mail, as this reader may read them (complaints.privacy).
            "requester_contact": contact_details_of(
                phone=rights_request.requester_phone,
                email=rights_request.requester_email,
                user=request.user,  # type: ignore[arg-type]
            ),
            "cases": cases,
            "blockers": ErasureCheck(cases).reasons()
            if rights_request.kind == RightsRequest.Kind.ERASURE and rights_request.is_open
            else [],
            "refuse_form": refuse_form or RefuseRequestForm(),
            "state_labels": dict(State.choices),
            "now": timezone.now(),
            "nav_active": "rights",
        },
        status=status,
    )


@login_required
@require_GET
def rights_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rights_request = _load(request, pk)
    if request.htmx:  # type: ignore[attr-defined]
        # The export's status, polled while it is being built.
        return render(request, "staff/rights/_export_status.html", {"rr": rights_request})
    return _detail(request, rights_request)


@login_required
@require_POST
def rights_export(request: HttpRequest, pk: int) -> HttpResponse:
    _load(request, pk)
    try:
        rights_export_prepare(
            actor=request.user,  # type: ignore[arg-type]
            request_id=pk,
            language=get_language() or "zh-hans",
        )
    except errors.ConditionNotMet as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The export is being prepared; this page updates by itself."))
    return redirect(_detail_url(pk, "#export"))


@login_required
@require_GET
def rights_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    _allowed(request)
    try:
        ready = rights_export_download(actor=request.user, request_id=pk)  # type: ignore[arg-type]
    except errors.NotFound as error:
        raise Http404(error.message) from error
    response = stored_file_response(
        ready.export_file, content_type="application/zip", filename=f"{ready.code}.zip"
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def rights_erase_page(request: HttpRequest, pk: int) -> HttpResponse:
    """What the erasure will remove, and the confirmation; the erasure itself on POST."""
    rights_request = _load(request, pk)
    if rights_request.kind != RightsRequest.Kind.ERASURE or not rights_request.is_open:
        return redirect(_detail_url(pk))
    form = EraseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                done = rights_erase(
                    actor=request.user,  # type: ignore[arg-type]
                    request_id=pk,
                    confirmed=form.cleaned_data["confirm"],
                )
            except errors.InvalidInput as error:
                form.add_service_errors(error)
            except errors.ConditionNotMet as error:
                messages.error(request, error.message)
                return redirect(_detail_url(pk))
            else:
                messages.success(
                    request,
                    _("Erased: %(count)d complaint(s) anonymised, the customer records blanked.")
                    % {"count": len(done.result.get("complaints", []))},
                )
                return redirect(_detail_url(pk))
        status = 422
    check = rights_erasure_check(request=rights_request)
    return render(
        request,
        "staff/rights/erase.html",
        {
            "rr": rights_request,
            "form": form,
            "check": check,
            "blockers": check.reasons(),
            "nav_active": "rights",
        },
        status=status,
    )


@login_required
@require_POST
def rights_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    rights_request = _load(request, pk)
    form = RefuseRequestForm(request.POST)
    if form.is_valid():
        try:
            rights_request_refuse(
                actor=request.user,  # type: ignore[arg-type]
                request_id=pk,
                reason=form.cleaned_data["reason"],
            )
        except errors.InvalidInput as error:
            form.add_service_errors(error)
        except errors.ConditionNotMet as error:
            messages.error(request, error.message)
            return redirect(_detail_url(pk))
        else:
            messages.success(request, _("The request is refused; tell the person the reason."))
            return redirect(_detail_url(pk))
    return _detail(request, rights_request, refuse_form=form, status=422)
