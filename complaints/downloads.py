"""The one way an evidence file leaves the server, for the case page, the API and the admin (and
the way a person's data export does, for the personal-data pages).

The caller has found the file through the case's access selector (out of scope is a 404); this
module refuses a kind restricted from the reader (medical records, identity documents:
complaints.privacy) with the same 404, and decides how the bytes go out. Never as a page: `nosniff`, a sandboxing CSP, the type found
in the content (anything outside the accepted types, a row edited by hand say, goes out as
`application/octet-stream`), and as an attachment except raster images asked for inline.

With a front proxy (COMPLAINTS_EVIDENCE_SERVE_WITH), Django only answers the permission question
and names the file in X-Accel-Redirect (nginx: an `internal` location over MEDIA_ROOT) or
X-Sendfile (Apache, lighttpd: the file's path); the proxy sends the bytes with our headers.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.utils.http import content_disposition_header

from complaints.models import EvidenceFile
from complaints.privacy import Reader, evidence_restricted
from complaints.services.evidence import ANY, IMAGE

ACCEL_REDIRECT = "x-accel-redirect"
SENDFILE = "x-sendfile"
OCTET_STREAM = "application/octet-stream"
# Every Content-Type a download can carry (the API's schema lists them).
SERVED_CONTENT_TYPES = frozenset(ANY | {OCTET_STREAM})


def served_content_type(content_type: str) -> str:
    """The type a file is sent as: one the upload check can produce, else plain bytes."""
    return content_type if content_type in ANY else OCTET_STREAM


def evidence_file_response(
    evidence: EvidenceFile, *, reader: Reader, inline: bool = False
) -> HttpResponseBase:
    """The file as a download (an image `inline` when asked: thumbnails); Http404 if its kind is
    restricted from `reader`, or its bytes are gone from the storage (or were removed when the case
    was anonymised)."""
    if evidence_restricted(user=reader, kind=evidence.kind):
        # Not a 403: for this reader the file is not there, like a case out of scope.
        raise Http404()
    content_type = served_content_type(evidence.content_type)
    response = stored_file_response(
        evidence.file,
        content_type=content_type,
        filename=evidence.original_name or "evidence",
        as_attachment=not (inline and content_type in IMAGE),
    )
    # Private to the signed-in user; and never run as a page whatever the bytes claim to be.
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


def stored_file_response(
    file: FieldFile, *, content_type: str, filename: str, as_attachment: bool = True
) -> HttpResponseBase:
    """A stored file sent after the caller's permission check: by Django, or named to the front
    proxy (COMPLAINTS_EVIDENCE_SERVE_WITH); Http404 when it has no file or its bytes are gone."""
    if not file:
        raise Http404()
    mode = settings.COMPLAINTS_EVIDENCE_SERVE_WITH
    response: HttpResponseBase
    if mode == ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        prefix = settings.COMPLAINTS_EVIDENCE_ACCEL_PREFIX.rstrip("/")
        response["X-Accel-Redirect"] = f"{prefix}/{quote(file.name or '')}"
    elif mode == SENDFILE:
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = file.path
    elif mode:
        raise ImproperlyConfigured(
            f"COMPLAINTS_EVIDENCE_SERVE_WITH is {mode!r}; use '', {ACCEL_REDIRECT!r} or {SENDFILE!r}."
        )
    else:
        try:
            handle = file.open("rb")
        except FileNotFoundError as error:
            raise Http404() from error
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename) or ""
    response["X-Content-Type-Options"] = "nosniff"
    return response
