"""Two-factor login for everyone who can change or read more than their own records."""

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext

from . import roles

# Roles that may log in with a password alone (two-factor stays available to them).
OPTIONAL_2FA_ROLES = {roles.EMPLOYEE}
OPEN_PATHS = ("/account/", "/admin/login/", "/admin/logout/", "/static/", "/health/", "/i18n/")


def requires_two_factor(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    names = {group.name for group in user.groups.all()}
    return bool(names - OPTIONAL_2FA_ROLES)


class TwoFactorMiddleware:
    """Sends a user who needs a second factor and has not given one to enrolment or
    verification. API tokens are machine credentials and are not asked for one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_verify(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Tweestapsverificatie vereist / two-factor verification required"}, status=403
                )
            return redirect(f"{reverse('two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)

    @staticmethod
    def _must_verify(request: HttpRequest) -> bool:
        if not settings.WAARBORG_REQUIRE_2FA or request.path.startswith(OPEN_PATHS):
            return False
        user = request.user
        return requires_two_factor(user) and not user.is_verified()


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


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """What a locked-out login gets (django-axes): JSON for the API, a page elsewhere."""
    from django.shortcuts import render

    if request.path.startswith("/api/"):
        message = "Te veel mislukte pogingen; probeer het later opnieuw / too many failed attempts, try again later"
        return JsonResponse({"detail": message}, status=429)
    return render(request, "registration/locked_out.html", status=429)
