"""The OpenAPI document: one fixed English schema whatever the request's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response

# Generated clients name classes after titles and descriptions (a filter's title becomes part
# of a class name), so the document must not change with Accept-Language. `?lang=zh-hans` asks
# for the same document with translated descriptions, for people reading it.
SCHEMA_LANGUAGE = "en"


class ApiSchemaView(SpectacularAPIView):
    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        asked = request.GET.get("lang", "")
        language = asked if asked in dict(settings.LANGUAGES) else SCHEMA_LANGUAGE
        with translation.override(language):
            response: Response = super().get(request, *args, **kwargs)
        response["Content-Language"] = language
        return response
