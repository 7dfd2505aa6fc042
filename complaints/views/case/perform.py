"""How every action of the case page answers: validate the form, call one service, then either a
message and a redirect back to the case (POST → redirect → GET), or the case page again, fresh from
the database, with the submitted form bound and the reason in words —
InvalidInput on the fields (422), a stale version as "someone else changed this case" (409), a
step the case is not ready for as a message (409/422). PermissionDenied is a 403, an out-of-scope
case a 404: the same answers the API gives.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from complaints import errors
from complaints.forms.base import ServiceForm
from complaints.models import Complaint, State
from complaints.selectors import complaints_visible_to
from complaints.services import TRANSITIONS, ensure_role_may, ensure_workable
from complaints.views.case.page import load_case, render_case
from complaints.views.case.timeline import timeline_entries
from config.api_errors import database_unavailable_message
from config.db_errors import RETRY_AFTER_SECONDS, database_unavailable

logger = logging.getLogger(__name__)


def conflict_message() -> str:
    return _(
        "Someone else changed this case while you were working on it. This is the case as it is "
        "now: check it, then send your change again if it still applies."
    )


def not_allowed_message(error: errors.TransitionNotAllowed) -> str:
    spec = TRANSITIONS.get(error.name)
    return _("“%(action)s” is not possible while the case is at the “%(stage)s” stage.") % {
        "action": spec.label if spec else error.name,
        "stage": State(error.state).label if error.state in State.values else error.state,
    }


Runner = Callable[[HttpRequest, Complaint, ServiceForm], str]


@dataclass(frozen=True)
class Action:
    key: str  # which panel of the page the form belongs to (re-rendered bound on refusal)
    form: Callable[[Complaint, object, object], ServiceForm]  # (complaint, data, files) → form
    run: Runner  # calls the service; returns the success message
    anchor: str = ""
    # The permissions the service asks of the role (complaints.services.Needs): checked before
    # the form is read, so a role that may not act gets 403, not a form's field errors.
    needs: tuple[str, ...] = ()
    # Instead of "in charge of the case" and `needs`: the action's own door (the duty manager of
    # the day writes the injury record of a case they only read).
    door: Callable[[User, Complaint], None] | None = None


def perform(request: HttpRequest, reference: str, action: Action) -> HttpResponse:
    complaint = load_case(request, reference)
    try:
        # Someone who only reads the case (they passed it on) is refused before any form is read.
        if action.door is not None:
            action.door(request.user, complaint)
        else:
            ensure_workable(actor=request.user, complaint=complaint)
            if action.needs:
                ensure_role_may(actor=request.user, perms=action.needs)
    except errors.PermissionDenied as error:
        raise HttpForbidden(error.message) from error
    form = action.form(complaint, request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, complaint, action, form, status=422)
    try:
        message = action.run(request, complaint, form)
    except errors.InvalidInput as error:
        form.add_service_errors(error)
        return _refused(request, load_case(request, reference), action, form, status=422)
    except errors.PermissionDenied as error:
        raise HttpForbidden(error.message) from error
    except errors.NotFound as error:
        raise Http404(error.message) from error
    except errors.Conflict:
        messages.error(request, conflict_message())
        fresh = load_case(request, reference)
        return _refused(request, fresh, action, _rebind(action, fresh, request), status=409)
    except errors.TransitionNotAllowed as error:
        messages.error(request, not_allowed_message(error))
        return _refused(request, load_case(request, reference), action, form, status=409)
    except errors.ComplaintError as error:  # ConditionNotMet, UnknownTransition: said in words
        messages.error(request, error.message)
        return _refused(request, load_case(request, reference), action, form, status=422)
    except DatabaseError as error:
        if not database_unavailable(error):
            raise
        # The service's transaction rolled back: the case as it is, the form as typed, to be sent
        # again (on a new connection; if the database is still away, the plain 503 page).
        logger.warning("Database unavailable during %s", action.key, exc_info=error)
        fresh = load_case(request, reference)
        messages.error(request, database_unavailable_message())
        response = _refused(request, fresh, action, form, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if request.htmx and action.key == "note":
        return _timeline_partial(request, reference)
    if message:
        messages.success(request, message)
    if not complaints_visible_to(user=request.user).filter(pk=complaint.pk).exists():
        # A handoff or a new owner can take the case out of this user's sight: back to their queue.
        return redirect("home")
    return redirect(reverse("case_detail", args=[reference]) + action.anchor)


def _refused(
    request: HttpRequest, complaint: Complaint, action: Action, form: ServiceForm, *, status: int
) -> HttpResponse:
    if request.htmx and action.key == "note":
        # Only the note form is posted by htmx: answer with the form, put back in its place.
        response = render(
            request, "staff/case/_note_form.html", {"complaint": complaint, "note_form": form}
        )
        response["HX-Retarget"] = "#note-form"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render_case(request, complaint, bound={action.key: form}, status=status)


def _rebind(action: Action, fresh: Complaint, request: HttpRequest) -> ServiceForm:
    """What was typed, now against the fresh version: sending it again is a deliberate choice."""
    data = request.POST.copy()
    if "expected_version" in data:
        data["expected_version"] = str(fresh.version)
    form = action.form(fresh, data, None)
    form.is_valid()
    return form


def _timeline_partial(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = load_case(request, reference)
    return render(
        request,
        "staff/case/_timeline.html",
        {
            "complaint": complaint,
            "timeline": timeline_entries(complaint.events.all(), reader=request.user),
        },
    )
