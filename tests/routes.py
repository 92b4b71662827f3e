"""Every URL pattern the project serves, walked from the resolver rather than written down,
so that a view added later is found by the tests that walk them (tests/test_access.py,
tests/test_access_matrix.py)."""

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

# Sample values tried, in order, for each converter or regex group until the built path
# resolves back to the pattern it was built from.
SAMPLES = ["1", "articles", "article"]


@dataclass(frozen=True)
class Route:
    path: str
    name: str | None
    namespace: str
    callback: object

    @property
    def qualified_name(self) -> str | None:
        """The name reverse() takes, with its namespace (`admin:index`); None if unnamed."""
        if self.name is None:
            return None
        return f"{self.namespace}:{self.name}" if self.namespace else self.name

    @property
    def key(self) -> str:
        """The qualified name, or for an unnamed pattern its path template."""
        return self.qualified_name or "/" + self.path


def _template(pattern: RoutePattern | RegexPattern) -> str:
    """The pattern as a format string with `{}` for each converter or regex group."""
    if isinstance(pattern, RoutePattern):
        template = re.sub(r"<(?:\w+:)?\w+>", "{}", pattern._route)
    elif isinstance(pattern, RegexPattern):
        template = re.sub(r"\((?:\?P<\w+>)?[^()]*\)", "{}", pattern._regex)
        template = re.sub(r"\\(.)", r"\1", template.lstrip("^").rstrip("$"))
    else:  # pragma: no cover - Django has no third kind today
        raise TypeError(f"Unknown URL pattern type {type(pattern).__name__}")
    return template


def _routes(patterns, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        template = _template(entry.pattern)
        if isinstance(entry, URLResolver):
            inner_namespace = ":".join(filter(None, [namespace, entry.namespace]))
            yield from _routes(entry.url_patterns, prefix + template, inner_namespace)
        elif isinstance(entry, URLPattern):
            yield Route(prefix + template, entry.name, namespace, entry.callback)


def all_routes() -> list[Route]:
    """Every URL pattern of the root URLconf, included ones (and the admin's) too."""
    return list(_routes(get_resolver().url_patterns))


def concrete_path(route: Route) -> str:
    """Fill the route's parameters with sample values so that it resolves to itself."""
    for values in itertools.product(SAMPLES, repeat=route.path.count("{}")):
        path = "/" + route.path.format(*values)
        try:
            if resolve(path).func is route.callback:
                return path
        except Resolver404:
            continue
    raise AssertionError(f"No sample path resolves to the pattern {route.path!r}")
