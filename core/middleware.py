"""Middleware of the platform: refuse a query string that no database could store; note
through what a request changes records (the history's channel)."""

import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext

# Control characters a query parameter may not hold: PostgreSQL cannot store NUL (the
# access log records an export's filters), and none of them has a place in a search or a
# filter. Tab, newline and carriage return are allowed.
UNSTORABLE_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_unstorable_characters(query: Any) -> bool:
    """Whether any key or value of a QueryDict holds such a character."""
    return any(
        UNSTORABLE_CHARACTERS.search(key) or any(UNSTORABLE_CHARACTERS.search(value) for value in values)
        for key, values in query.lists()
    )


class QueryStringGuardMiddleware:
    """A search or filter with a NUL byte (or another control character) is a 400 before
    any view runs: no list, no export, no access log row, no background job."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_unstorable_characters(request.GET):
            message = gettext("Ongeldig teken in de zoekopdracht of een filter; er is niets uitgevoerd.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class HistoryChannelMiddleware:
    """Changes made during a request are recorded as made through the admin, the API or the
    website (core.history.channel)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from core.history import channel

        if request.path.startswith("/api/"):
            via = "api"
        elif request.path.startswith("/admin/"):
            via = "admin"
        else:
            via = "web"
        with channel(via):
            return self.get_response(request)
