"""The registers' pages (/registers/...): legal documents received (seed 004 §九) and lost property
(§五.3 H) with its monthly statistics (§五.2 F). Thin: the selectors decide who reads what, the
services check and write (complaints.services.legal_documents, complaints.services.lost_property).
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from complaints import errors
from complaints.downloads import served_content_type, stored_file_response
from complaints.forms.registers import (
    LegalDocumentForm,
    LegalFilesForm,
    LegalFilterForm,
    LegalForwardForm,
    LostFilterForm,
    LostOutcomeForm,
    LostPropertyForm,
    MonthForm,
    RegisterLinkForm,
)
from complaints.models import LegalDocument, LostProperty
from complaints.privacy import contact_details_of
from complaints.selectors.registers import (
    LEGAL_FILTERS,
    LOST_FILTERS,
    VIEW_LOST,
    can_read_legal_register,
    legal_document_get_for_user,
    legal_documents_list,
    lost_property_get_for_user,
    lost_property_list,
    lost_property_month,
    month_of,
    with_case_references,
)
from complaints.services.legal_documents import (
    can_record_legal_documents,
    legal_document_add_files,
    legal_document_file_get,
    legal_document_forward,
    legal_document_link,
    legal_document_record,
)
from complaints.services.lost_property import (
    can_record_lost_property,
    lost_property_link,
    lost_property_record,
    lost_property_set_outcome,
)

PER_PAGE = 25
STATISTICS = "complaints.view_lost_property_statistics"


def _user(request: HttpRequest):  # type: ignore[no-untyped-def]
    return request.user


def _page(request: HttpRequest, rows):  # type: ignore[no-untyped-def]
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


# --- legal documents ------------------------------------------------------------------------


@login_required
@require_GET
def legal_list(request: HttpRequest) -> HttpResponse:
    if not can_read_legal_register(request.user):
        raise HttpForbidden(_("Your role does not read the legal documents register."))
    show = request.GET.get("show", "all")
    if show not in LEGAL_FILTERS:
        show = "all"
    filters = LegalFilterForm(request.GET or None)
    kind = search = ""
    if filters.is_valid():
        kind, search = filters.cleaned_data["kind"], filters.cleaned_data["q"]
    page = _page(
        request, legal_documents_list(user=_user(request), show=show, kind=kind, search=search)
    )
    return render(
        request,
        "staff/registers/legal_list.html",
        {
            "page": page,
            "documents": with_case_references(user=request.user, entries=page.object_list),
            "show": show,
            "filters": filters,
            "can_record": can_record_legal_documents(_user(request)),
            "nav_active": "legal",
        },
    )


def _may_record_legal(request: HttpRequest) -> None:
    # Asked before the entry is looked up: a role that never records gets 403 on every entry.
    if not can_record_legal_documents(_user(request)):
        raise HttpForbidden(_("Your role does not record legal documents."))


@login_required
@require_http_methods(["GET", "POST"])
def legal_new(request: HttpRequest) -> HttpResponse:
    _may_record_legal(request)
    initial = {"complaint": request.GET.get("complaint", "")}
    form = LegalDocumentForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            document = legal_document_record(actor=_user(request), **form.cleaned_data)
        except errors.InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("%(code)s is recorded; senior management has been told.")
                % {"code": document.code},
            )
            return redirect("legal_document_detail", pk=document.pk)
    return render(
        request,
        "staff/registers/legal_new.html",
        {"form": form, "nav_active": "legal"},
        status=422 if form.is_bound and form.errors else 200,
    )


def _legal(request: HttpRequest, pk: int) -> LegalDocument:
    try:
        document = legal_document_get_for_user(user=request.user, pk=pk)
        return with_case_references(user=request.user, entries=[document])[0]
    except errors.NotFound as error:
        raise Http404(error.message) from error


def _legal_detail(
    request: HttpRequest,
    document: LegalDocument,
    *,
    forward_form: LegalForwardForm | None = None,
    files_form: LegalFilesForm | None = None,
    link_form: RegisterLinkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_record = can_record_legal_documents(_user(request))
    return render(
        request,
        "staff/registers/legal_detail.html",
        {
            "document": document,
            "forward_form": (forward_form or LegalForwardForm())
            if may_record and not document.is_forwarded
            else None,
            "files_form": (files_form or LegalFilesForm()) if may_record else None,
            "link_form": (link_form or RegisterLinkForm())
            if may_record and document.complaint_id is None
            else None,
            "nav_active": "legal",
        },
        status=status,
    )


@login_required
@require_GET
def legal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _legal_detail(request, _legal(request, pk))


@login_required
@require_POST
def legal_forward(request: HttpRequest, pk: int) -> HttpResponse:
    _may_record_legal(request)
    document = _legal(request, pk)
    form = LegalForwardForm(request.POST)
    if form.is_valid():
        try:
            legal_document_forward(actor=_user(request), document_id=pk, **form.cleaned_data)
        except errors.PermissionDenied as error:
            raise HttpForbidden(error.message) from error
        except errors.ConditionNotMet as error:
            messages.error(request, error.message)
            return redirect("legal_document_detail", pk=pk)
        except errors.InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Recorded as forwarded."))
            return redirect("legal_document_detail", pk=pk)
    return _legal_detail(request, document, forward_form=form, status=422)


@login_required
@require_POST
def legal_files(request: HttpRequest, pk: int) -> HttpResponse:
    _may_record_legal(request)
    document = _legal(request, pk)
    form = LegalFilesForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            legal_document_add_files(
                actor=_user(request), document_id=pk, files=form.cleaned_data["files"]
            )
        except errors.PermissionDenied as error:
            raise HttpForbidden(error.message) from error
        except errors.InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The scans are attached."))
            return redirect(reverse("legal_document_detail", args=[pk]) + "#scans")
    return _legal_detail(request, document, files_form=form, status=422)


@login_required
@require_POST
def legal_link(request: HttpRequest, pk: int) -> HttpResponse:
    _may_record_legal(request)
    document = _legal(request, pk)
    form = RegisterLinkForm(request.POST)
    if form.is_valid():
        try:
            legal_document_link(actor=_user(request), document_id=pk, **form.cleaned_data)
        except errors.PermissionDenied as error:
            raise HttpForbidden(error.message) from error
        except errors.ConditionNotMet as error:
            messages.error(request, error.message)
            return redirect("legal_document_detail", pk=pk)
        except errors.InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Linked to the complaint; it is on its timeline."))
            return redirect("legal_document_detail", pk=pk)
    return _legal_detail(request, document, link_form=form, status=422)


@login_required
@require_GET
def legal_file_download(request: HttpRequest, pk: int, file_id: int) -> HttpResponseBase:
    try:
        scan = legal_document_file_get(user=_user(request), document_id=pk, file_id=file_id)
    except errors.NotFound as error:
        raise Http404(error.message) from error
    return stored_file_response(
        scan.file,
        content_type=served_content_type(scan.content_type),
        filename=scan.original_name,
    )


# --- lost property --------------------------------------------------------------------------


def _may_read_lost(request: HttpRequest) -> None:
    if not request.user.has_perm(VIEW_LOST):
        raise HttpForbidden(_("Your role does not read the lost property register."))


def _day_start(day: date | None) -> datetime | None:
    return timezone.make_aware(datetime.combine(day, time.min)) if day else None


@login_required
@require_GET
def lost_list(request: HttpRequest) -> HttpResponse:
    _may_read_lost(request)
    show = request.GET.get("show", "all")
    if show not in LOST_FILTERS:
        show = "all"
    filters = LostFilterForm(request.GET or None)
    criteria: dict = {}
    if filters.is_valid():
        data = filters.cleaned_data
        until = data["until"]
        criteria = {
            "search": data["q"],
            "department_id": data["department"].pk if data["department"] else None,
            "since": _day_start(data["since"]),
            "until": _day_start(date.fromordinal(until.toordinal() + 1)) if until else None,
        }
    page = _page(request, lost_property_list(user=_user(request), show=show, **criteria))
    return render(
        request,
        "staff/registers/lost_list.html",
        {
            "page": page,
            "entries": with_case_references(user=request.user, entries=page.object_list),
            "show": show,
            "filters": filters,
            "can_record": can_record_lost_property(_user(request)),
            "can_see_statistics": request.user.has_perm(STATISTICS),
            "nav_active": "lost",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def lost_new(request: HttpRequest) -> HttpResponse:
    if not can_record_lost_property(_user(request)):
        raise HttpForbidden(_("Your role does not record lost property."))
    initial = {"complaint": request.GET.get("complaint", "")}
    form = LostPropertyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = lost_property_record(actor=_user(request), **form.cleaned_data)
        except errors.InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("%(code)s is recorded.") % {"code": entry.code})
            return redirect("lost_property_detail", pk=entry.pk)
    return render(
        request,
        "staff/registers/lost_new.html",
        {"form": form, "nav_active": "lost"},
        status=422 if form.is_bound and form.errors else 200,
    )


def _lost(request: HttpRequest, pk: int) -> LostProperty:
    try:
        entry = lost_property_get_for_user(user=request.user, pk=pk)
        return with_case_references(user=request.user, entries=[entry])[0]
    except errors.NotFound as error:
        raise Http404(error.message) from error


def _lost_detail(
    request: HttpRequest,
    entry: LostProperty,
    *,
    form: LostOutcomeForm | None = None,
    link_form: RegisterLinkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_record = can_record_lost_property(_user(request))
    return render(
        request,
        "staff/registers/lost_detail.html",
        {
            "entry": entry,
            # The customer's phone as this reader may read it (complaints.privacy).
            "customer_contact": contact_details_of(phone=entry.customer_phone, user=request.user),  # type: ignore[arg-type]
            "outcome_form": (form or LostOutcomeForm()) if may_record else None,
            "link_form": (link_form or RegisterLinkForm(id_prefix="lostlink"))
            if may_record and entry.complaint_id is None
            else None,
            "nav_active": "lost",
        },
        status=status,
    )


@login_required
@require_GET
def lost_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _lost_detail(request, _lost(request, pk))


@login_required
@require_POST
def lost_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_record_lost_property(_user(request)):
        raise HttpForbidden(_("Your role does not record lost property."))
    entry = _lost(request, pk)
    form = LostOutcomeForm(request.POST)
    if form.is_valid():
        try:
            lost_property_set_outcome(actor=_user(request), entry_id=pk, **form.cleaned_data)
        except errors.PermissionDenied as error:
            raise HttpForbidden(error.message) from error
        except errors.InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The outcome is recorded."))
            return redirect("lost_property_detail", pk=pk)
    return _lost_detail(request, entry, form=form, status=422)


@login_required
@require_POST
def lost_link(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_record_lost_property(_user(request)):
        raise HttpForbidden(_("Your role does not record lost property."))
    entry = _lost(request, pk)
    form = RegisterLinkForm(request.POST, id_prefix="lostlink")
    if form.is_valid():
        try:
            lost_property_link(actor=_user(request), entry_id=pk, **form.cleaned_data)
        except errors.PermissionDenied as error:
            raise HttpForbidden(error.message) from error
        except errors.ConditionNotMet as error:
            messages.error(request, error.message)
            return redirect("lost_property_detail", pk=pk)
        except errors.InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Linked to the complaint; it is on its timeline."))
            return redirect("lost_property_detail", pk=pk)
    return _lost_detail(request, entry, link_form=form, status=422)


@login_required
@require_GET
def lost_statistics(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(STATISTICS):
        raise HttpForbidden(_("Your role does not see the lost property statistics."))
    today = timezone.localdate()
    year, month = month_of(request.GET.get("month"), today)
    figures = lost_property_month(year=year, month=month)
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    top = max(figures.by_hour) or 1
    return render(
        request,
        "staff/registers/lost_statistics.html",
        {
            "figures": figures,
            "month_label": f"{year}-{month:02d}",
            "form": MonthForm(initial={"month": f"{year}-{month:02d}"}),
            "previous": f"{previous[0]}-{previous[1]:02d}",
            "following": f"{following[0]}-{following[1]:02d}"
            if following <= (today.year, today.month)
            else "",
            "hours": [
                (hour, count, round(100 * count / top))
                for hour, count in enumerate(figures.by_hour)
            ],
            "nav_active": "lost",
        },
    )
