"""The API's JSON parser: a document nested deeper than Python's stack is a 400, not a 500."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # `[` × 100,000 exhausts the decoder's recursion limit; no request of ours nests
            # more than a few levels.
            raise ParseError(_("JSON parse error - the document is nested too deeply.")) from None
