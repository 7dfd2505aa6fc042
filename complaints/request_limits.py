"""Refusing an upload by its announced size, before a byte of its body is read.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves files out, and a form's size check runs only once the
whole body has been received and spooled to disk; a door that takes files asks this first (and so
runs before the CSRF check, which would read the body to find its token).
"""

from __future__ import annotations

from django.http import HttpRequest

# Room for the form's other fields and the multipart boundaries around the files.
FORM_OVERHEAD_BYTES = 256 * 1024


def body_too_large(request: HttpRequest, *, limit: int) -> bool:
    """Whether the request announces more than `limit` bytes, or hides its length (chunked)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return True  # no length given: not read at all
    return length > limit
