"""Evidence on the case page: uploading files, and serving them only to people who see the case.

Files are never linked by their media URL: every download goes through `case_evidence_file`, which
asks the same access selector as the page, so a person who cannot see the case gets a 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from complaints.downloads import evidence_file_response
from complaints.errors import InvalidInput, NotFound
from complaints.forms.case import EvidenceForm
from complaints.models import Complaint
from complaints.request_limits import body_too_large
from complaints.selectors import complaint_get_for_user
from complaints.services import Needs
from complaints.services.intake_desk import EvidenceUpload, RefusedFile, evidence_add_each
from complaints.views.case.page import load_case, render_case
from complaints.views.case.perform import Action, perform


def refused_text(refused: RefusedFile) -> str:
    return _("“%(name)s” was not added: %(reasons)s") % {
        "name": refused.name,
        "reasons": " ".join(refused.reasons),
    }


def _upload(request: HttpRequest, complaint: Complaint, form: EvidenceForm) -> str:
    data = form.cleaned_data
    outcome = evidence_add_each(
        complaint=complaint,
        actor=request.user,
        uploads=[
            EvidenceUpload(kind=data["kind"], upload=upload, description=data["description"])
            for upload in data["files"]
        ],
    )
    if not outcome.added:
        # Nothing was added: the form comes back with every file's reason on it.
        raise InvalidInput({"upload": [refused_text(refused) for refused in outcome.refused]})
    for refused in outcome.refused:
        messages.warning(request, refused_text(refused))
    count = len(outcome.added)
    return ngettext("%(count)d file added.", "%(count)d files added.", count) % {"count": count}


@login_required
@require_POST
@csrf_exempt  # checked by `_case_evidence`, once the request is known to be small enough to read
def case_evidence(request: HttpRequest, reference: str) -> HttpResponse:
    limit = settings.COMPLAINTS_UPLOAD_MAX_REQUEST_BYTES
    if body_too_large(request, limit=limit):
        # Refused on its announced size, before a byte of the files is received.
        complaint = load_case(request, reference)
        messages.error(
            request,
            _("The files were not sent: together they are over %(limit)s. Send fewer at a time.")
            % {"limit": filesizeformat(limit)},
        )
        return render_case(request, complaint, opened="evidence", status=413)
    return _case_evidence(request, reference)


@csrf_protect
def _case_evidence(request: HttpRequest, reference: str) -> HttpResponse:
    return perform(
        request,
        reference,
        Action(
            "evidence",
            lambda complaint, data, files: EvidenceForm(data, files),
            _upload,
            needs=Needs.ADD_EVIDENCE,
            anchor="#evidence",
        ),
    )


@login_required
@require_GET
def case_evidence_file(request: HttpRequest, reference: str, pk: int) -> HttpResponseBase:
    """The stored file; `?inline=1` shows an image in the page (thumbnails), anything else downloads."""
    try:
        complaint = complaint_get_for_user(user=request.user, reference=reference)
    except NotFound as error:  # out of scope reads as missing
        raise Http404() from error
    evidence = complaint.evidence.filter(pk=pk).first()
    if evidence is None:
        raise Http404()
    return evidence_file_response(
        evidence, reader=request.user, inline=request.GET.get("inline") == "1"
    )
