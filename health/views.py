"""Probes for the load balancer, the orchestrator and monitoring: JSON, no sign-in, never cached.

/healthz: the web process answers (no database, nothing else): restart it if not.
/readyz: what the product needs to do its work (health.selectors.readiness): 200 or 503.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from health.selectors import readiness


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    state = readiness()
    return JsonResponse(state.as_dict(), status=200 if state.ready else 503)
