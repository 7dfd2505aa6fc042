"""The improvement actions' pages (/improvement/..., issue 18 §1): the list and queues, a new
action (from a case, from a recurring problem of the dashboard, or on its own), an action's page
with its effect figures, and its moves. Here, among the reports' pages, because an action's page
shows the reports' figures; thin: complaints.selectors.improvement decides who reads what,
complaints.services.improvement and reports.services.improvement check and write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from complaints import errors
from complaints.domain.improvement import moves_from
from complaints.downloads import served_content_type, stored_file_response
from complaints.forms.improvement import (
    ActionFilesForm,
    ActionForm,
    CompleteForm,
    LinkForm,
    StartForm,
    VerifyForm,
)
from complaints.models import ActionStatus, Category, Complaint, ImprovementAction
from complaints.selectors import complaint_get_for_user
from complaints.selectors.improvement import (
    SHOW,
    STATUS_FILTERS,
    improvement_action_cases,
    improvement_action_file_get,
    improvement_action_get_for_user,
    improvement_actions_list,
    improvement_tabs,
)
from complaints.services.improvement import (
    can_manage_actions,
    improvement_action_add_files,
    improvement_action_complete,
    improvement_action_link,
    improvement_action_record,
    improvement_action_start,
    improvement_default_due,
    may_add_files,
    may_attach,
    may_make,
    may_move,
)
from reports.selectors.improvement import action_effect
from reports.services.improvement import improvement_action_check

PER_PAGE = 25
VIEW = "complaints.view_improvementaction"
STATUS_LABELS = {
    "": gettext_lazy("Any status"),
    "live": gettext_lazy("To do"),
    "overdue": gettext_lazy("Overdue"),
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _may_read(request: HttpRequest) -> None:
    if not request.user.has_perm(VIEW):
        raise HttpForbidden(_("Your role does not read improvement actions."))


@login_required
@require_GET
def improvement_list(request: HttpRequest) -> HttpResponse:
    _may_read(request)
    user = _user(request)
    tabs = improvement_tabs(user=user)
    # Complaint managers oversee every department's actions; heads their department's.
    default = next(tab for tab in ("all", "department", "mine") if tab in tabs)
    show = request.GET.get("show", default)
    if show not in SHOW or show not in tabs:
        show = default
    status = request.GET.get("status", "live")
    if status not in STATUS_FILTERS:
        status = "live"
    now = timezone.now()
    page = Paginator(
        improvement_actions_list(user=user, show=show, status=status, now=now), PER_PAGE
    ).get_page(request.GET.get("page"))
    for action in page.object_list:
        action.overdue = action.is_overdue(now)  # type: ignore[attr-defined]
    tab_labels = {"mine": _("Mine"), "department": _("My department"), "all": _("All")}
    statuses = [(key, STATUS_LABELS[key]) for key in ("live", "overdue")]
    statuses += [*ActionStatus.choices, ("", STATUS_LABELS[""])]
    return render(
        request,
        "reports/improvement/list.html",
        {
            "page": page,
            "actions": page.object_list,
            "now": now,
            "show": show,
            "tabs": [(tab, tab_labels[tab]) for tab in tabs],
            "status": status,
            "statuses": statuses,
            "can_start": can_manage_actions(user),
            "nav_active": "improvement",
        },
    )


def _initial(request: HttpRequest, user: User) -> dict[str, Any]:
    """What a new action starts from: a case (?complaint=), a dashboard row (?category=code or
    ?product=name, &from=report), or nothing."""
    initial: dict[str, Any] = {}
    reference = request.GET.get("complaint", "").strip()
    case: Complaint | None = None
    if reference:
        try:
            case = complaint_get_for_user(user=user, reference=reference)
        except errors.NotFound:
            case = None
    if case is not None:
        initial.update(
            complaint=case.reference,
            category=case.category_id,
            product=case.product_or_service,
            department=case.department_id,
        )
    code = request.GET.get("category", "").strip()
    if code:
        found = (
            Category.objects.filter(code=code).values_list("pk", "default_department_id").first()
        )
        if found is not None:
            # The category's department owns what rises in it, unless a case said otherwise.
            initial["category"] = found[0]
            initial.setdefault("department", found[1])
    if request.GET.get("product"):
        initial["product"] = request.GET["product"][:200]
    if request.GET.get("from") == "report":
        initial["from_report"] = True
    department_id = initial.get("department") or user.department_id
    initial["department"] = department_id
    initial["owner"] = None
    initial["due_date"] = improvement_default_due(department_id=department_id)
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def improvement_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can_manage_actions(user):
        raise HttpForbidden(_("Your role does not start improvement actions."))
    form = ActionForm(
        request.POST or None, initial=_initial(request, user) if not request.POST else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            action = improvement_action_record(actor=user, **form.cleaned_data)
        except errors.PermissionDenied as error:
            raise HttpForbidden(error.message) from error
        except errors.InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The improvement action is recorded; its owner is told."))
            return redirect("reports:improvement_detail", pk=action.pk)
    return render(
        request,
        "reports/improvement/new.html",
        {
            "form": form,
            "from_case": form["complaint"].value(),
            "from_report": form["from_report"].value(),
            "nav_active": "improvement",
        },
        status=422 if form.is_bound and form.errors else 200,
    )


def _action(request: HttpRequest, pk: int) -> ImprovementAction:
    try:
        return improvement_action_get_for_user(user=_user(request), pk=pk)
    except errors.NotFound as error:
        raise Http404(error.message) from error


def _detail(
    request: HttpRequest,
    action: ImprovementAction,
    *,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    forms = forms or {}
    now = timezone.now()
    moves = {
        move: may_move(user=user, action=action, move=move) for move in moves_from(action.status)
    }
    return render(
        request,
        "reports/improvement/detail.html",
        {
            "action": action,
            "now": now,
            "overdue": action.is_overdue(now),
            "cases": improvement_action_cases(action=action, user=user),
            "linked_count": action.case_links.count(),
            "effect": action_effect(action=action, now=now),
            "start_form": forms.get("start") or StartForm() if moves.get("start") else None,
            "complete_form": forms.get("complete") or CompleteForm()
            if moves.get("complete")
            else None,
            "verify_form": forms.get("verify") or VerifyForm() if moves.get("verify") else None,
            "link_form": forms.get("link") or LinkForm() if can_manage_actions(user) else None,
            "files": list(action.files.all()),
            "files_form": forms.get("files") or ActionFilesForm()
            if may_attach(user=user, action=action)
            else None,
            "nav_active": "improvement",
        },
        status=status,
    )


@login_required
@require_GET
def improvement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _action(request, pk))


def _move(request: HttpRequest, pk: int, name: str, form_class: Any, run: Any) -> HttpResponse:
    action = _action(request, pk)
    # Asked before the form is read (and after the action: out of reach is missing): whoever
    # may never make this move hears 403.
    if name == "link":
        if not can_manage_actions(_user(request)):
            raise HttpForbidden(_("Your role does not start improvement actions."))
    elif not may_make(user=_user(request), action=action, move=name):
        raise HttpForbidden(
            _("Only the action's owner moves it on; a complaint manager verifies it.")
        )
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            run(actor=_user(request), action_id=pk, **form.cleaned_data)
        except errors.PermissionDenied as error:
            raise HttpForbidden(error.message) from error
        except errors.ConditionNotMet as error:
            messages.error(request, error.message)
            return redirect("reports:improvement_detail", pk=pk)
        except errors.InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Saved."))
            return redirect("reports:improvement_detail", pk=pk)
    return _detail(request, action, forms={name: form}, status=422)


@login_required
@require_POST
def improvement_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, "start", StartForm, improvement_action_start)


@login_required
@require_POST
def improvement_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, "complete", CompleteForm, improvement_action_complete)


@login_required
@require_POST
def improvement_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, "verify", VerifyForm, improvement_action_check)


@login_required
@require_POST
def improvement_link(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, "link", LinkForm, improvement_action_link)


@login_required
@require_POST
def improvement_files(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    # Asked before the form is read: whoever never adds files hears 403.
    if not may_add_files(user=_user(request), action=action):
        raise HttpForbidden(_("Only the action's owner or a manager of actions adds files."))
    form = ActionFilesForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            improvement_action_add_files(
                actor=_user(request), action_id=pk, files=form.cleaned_data["files"]
            )
        except errors.PermissionDenied as error:
            raise HttpForbidden(error.message) from error
        except errors.ConditionNotMet as error:
            messages.error(request, error.message)
            return redirect("reports:improvement_detail", pk=pk)
        except errors.InvalidInput as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The files are attached."))
            return redirect(reverse("reports:improvement_detail", args=[pk]) + "#files")
    return _detail(request, action, forms={"files": form}, status=422)


@login_required
@require_GET
def improvement_file_download(request: HttpRequest, pk: int, file_id: int) -> HttpResponseBase:
    try:
        stored = improvement_action_file_get(user=_user(request), action_id=pk, file_id=file_id)
    except errors.NotFound as error:
        raise Http404(error.message) from error
    return stored_file_response(
        stored.file,
        content_type=served_content_type(stored.content_type),
        filename=stored.original_name,
    )
