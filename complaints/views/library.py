"""The case library's pages (案例库, issue 18 §2): the list with its search, one case, proposing a
closed case, and a complaint manager's review. Thin: complaints.services.library decides."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from complaints import errors
from complaints.forms.library import ApproveForm, LibraryFilterForm, ProposeForm, ReasonForm
from complaints.models import CaseStudy, Complaint
from complaints.selectors import complaint_get_for_user
from complaints.selectors.library import (
    case_studies_published,
    case_studies_waiting,
    case_study_for_user,
    case_study_of_complaint,
    may_read_library,
)
from complaints.services.library import (
    case_facts,
    case_study_approve,
    case_study_propose,
    case_study_refuse,
    case_study_unpublish,
    may_propose,
    may_review,
)

PER_PAGE = 20


def _reader(request: HttpRequest):  # type: ignore[no-untyped-def]
    if not may_read_library(request.user):
        raise HttpForbidden(_("Your role does not read the case library."))
    return request.user


@login_required
@require_GET
def library_list(request: HttpRequest) -> HttpResponse:
    user = _reader(request)
    filters = LibraryFilterForm(request.GET or None)
    criteria: dict = {}
    if filters.is_valid():
        data = filters.cleaned_data
        criteria = {
            "search": data["q"],
            "category": data["category"],
            "product": data["product"].strip(),
            "outcome": data["outcome"],
        }
    page = Paginator(case_studies_published(**criteria), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/library/list.html",
        {
            "page": page,
            "studies": page.object_list,
            "filters": filters,
            "waiting": list(case_studies_waiting(user=user)[:50]),
            "can_review": may_review(user),
            "nav_active": "library",
        },
    )


def _study(request: HttpRequest, pk: int) -> CaseStudy:
    study = case_study_for_user(user=_reader(request), pk=pk)
    if study is None:
        raise Http404(_("No such library case."))
    return study


def _render_detail(
    request: HttpRequest, study: CaseStudy, *, status: int = 200, **forms
) -> HttpResponse:  # type: ignore[no-untyped-def]
    reviewer = may_review(request.user)
    context = {
        "study": study,
        "can_review": reviewer,
        "approve_form": forms.get("approve") or ApproveForm(id_prefix="approve"),
        "refuse_form": forms.get("refuse") or ReasonForm(id_prefix="refuse"),
        "unpublish_form": forms.get("unpublish") or ReasonForm(id_prefix="unpublish"),
        "open_form": next(iter(forms), ""),
        "nav_active": "library",
    }
    return render(request, "staff/library/detail.html", context, status=status)


@login_required
@require_GET
def library_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _study(request, pk))


REVIEW_ACTIONS = ("approve", "refuse", "unpublish")


@login_required
@require_POST
def library_review(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in REVIEW_ACTIONS:
        raise Http404(action)
    study = _study(request, pk)
    if not may_review(request.user):
        raise HttpForbidden(_("Only a complaint manager reviews library cases."))
    form = (ApproveForm if action == "approve" else ReasonForm)(request.POST, id_prefix=action)
    if not form.is_valid():
        return _render_detail(request, study, status=422, **{action: form})
    try:
        if action == "approve":
            case_study_approve(
                study=study, actor=request.user, show_staff=form.cleaned_data["show_staff"]
            )
            messages.success(request, _("The case is in the library."))
        elif action == "refuse":
            case_study_refuse(study=study, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("The proposal is refused; the proposer can read why."))
        else:
            case_study_unpublish(
                study=study, actor=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The case is taken out of the library."))
    except errors.InvalidInput as error:
        form.add_service_errors(error)
        return _render_detail(request, study, status=422, **{action: form})
    except errors.ConditionNotMet as error:
        messages.error(request, error.message)
    return redirect("library_detail", pk=study.pk)


@login_required
@require_http_methods(["GET", "POST"])
def case_library_propose(request: HttpRequest, reference: str) -> HttpResponse:
    """Propose a closed case for the library: the proposer writes, the facts come from the case."""
    try:
        complaint: Complaint = complaint_get_for_user(user=request.user, reference=reference)
    except errors.NotFound as error:
        raise Http404(error.message) from error
    if not may_propose(user=request.user, complaint=complaint):
        raise HttpForbidden(_("Only a closed case you may read can be proposed for the library."))
    live = case_study_of_complaint(complaint_id=complaint.pk)
    form = ProposeForm(request.POST or None)
    status = 200
    if request.method == "POST" and live is None and form.is_valid():
        try:
            study = case_study_propose(complaint=complaint, actor=request.user, **form.cleaned_data)
        except errors.InvalidInput as error:
            form.add_service_errors(error)
        except errors.ConditionNotMet as error:
            messages.error(request, error.message)
            return redirect("case_detail", reference=complaint.reference)
        else:
            messages.success(
                request, _("Proposed for the case library: a complaint manager will review it.")
            )
            return redirect("library_detail", pk=study.pk)
    if request.method == "POST":
        status = 422
    facts = case_facts(complaint)
    return render(
        request,
        "staff/library/propose.html",
        {"complaint": complaint, "form": form, "live": live, "facts": CaseStudy(**facts)},
        status=status,
    )
