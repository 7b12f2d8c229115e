"""The API's versioning class, kept apart from core/api/v2.py: DRF imports it while it
defines APIView, so it may import nothing that needs rest_framework.views."""

from typing import Any

from django.urls import NoReverseMatch
from rest_framework.versioning import NamespaceVersioning

V2_NAMESPACE = "v2"


class ApiVersioning(NamespaceVersioning):
    """request.version is "v2" under the v2 namespace, else "v1" (version 1 has no namespace,
    so its URL names and links stay as they were). Links built with DRF's reverse() in a v2
    response point to v2 where v2 has that view."""

    default_version = "v1"
    allowed_versions = ("v1", V2_NAMESPACE)

    def determine_version(self, request: Any, *args: Any, **kwargs: Any) -> str:
        match = getattr(request, "resolver_match", None)
        if match is not None and V2_NAMESPACE in (match.namespace or "").split(":"):
            return V2_NAMESPACE
        return self.default_version

    def reverse(self, viewname: str, args=None, kwargs=None, request=None, format=None, **extra: Any) -> str:
        from rest_framework.reverse import _reverse

        if request is not None and request.version == V2_NAMESPACE and ":" not in viewname:
            try:
                return _reverse(f"{V2_NAMESPACE}:{viewname}", args, kwargs, request, format, **extra)
            except NoReverseMatch:
                pass
        return _reverse(viewname, args, kwargs, request, format, **extra)


def for_version(request: Any, url: str) -> str:
    """A link into /api/v1/ as the same link in the version of this request: under v2 the
    /api/v2/ path without the trailing slash, else unchanged."""
    from urllib.parse import urlsplit, urlunsplit

    if getattr(request, "version", None) != V2_NAMESPACE:
        return url
    parts = urlsplit(url)
    if not parts.path.startswith("/api/v1/"):
        return url
    return urlunsplit(parts._replace(path="/api/v2/" + parts.path[len("/api/v1/") :].rstrip("/")))
