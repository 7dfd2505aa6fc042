"""The named routes of the URL conf, for the tests that must know every one of them (the privacy
walk, the permission matrix): a new route without its row fails those tests."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def routes() -> Iterator[tuple[str, str]]:
    """(name, route) of every named URL outside the admin, namespaced (`reports:dashboard`)."""

    def walk(patterns: list, prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}", prefix + str(pattern.pattern)

    for name, route in walk(get_resolver().url_patterns, "", ""):
        if not route.startswith("admin/"):
            yield name, route
