"""Two-factor login for everyone who can change or read more than their own records."""

import ipaddress
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import roles

# Roles that may log in with a password alone (two-factor stays available to them).
OPTIONAL_2FA_ROLES = {roles.EMPLOYEE}
# Set in the session by a single sign-on login whose ID token proves a second factor (accounts/sso.py):
# the id of the user it was given for.
PROVIDER_MFA_SESSION_KEY = "waarborg_mfa_by_provider"
OPEN_PATHS = ("/account/", "/admin/login/", "/admin/logout/", "/static/", "/health/", "/i18n/")


def requires_two_factor(user: Any) -> bool:
    """The second factor follows privilege, not group membership: it is required of everyone
    who is staff or superuser, is in any group other than Medewerker, or holds any permission
    beyond the Medewerker role's own (directly or through a group)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    names = {group.name for group in user.groups.all()}
    if names - OPTIONAL_2FA_ROLES:
        return True
    if user.user_permissions.exists():
        return True
    optional = set()
    for role in OPTIONAL_2FA_ROLES:
        optional |= {f"{app}.{codename}" for app, codename in roles.wanted_permissions(role)}
    return bool(user.get_all_permissions() - optional)


def second_factor_given(request: HttpRequest) -> bool:
    """A code verified in Waarborg (django-otp), or a second factor at the identity provider that
    the ID token of this session's single sign-on login proves (OIDC_MFA_AMR / OIDC_MFA_ACR)."""
    user = request.user
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return True
    session = getattr(request, "session", None)
    return bool(session is not None and user.pk is not None and session.get(PROVIDER_MFA_SESSION_KEY) == user.pk)


class TwoFactorMiddleware:
    """Sends a user who needs a second factor and has not given one to enrolment or
    verification. API tokens are machine credentials and are not asked for one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_verify(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Tweestapsverificatie vereist")}, status=403)
            return redirect(f"{reverse('two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)

    @staticmethod
    def _must_verify(request: HttpRequest) -> bool:
        if not settings.WAARBORG_REQUIRE_2FA or request.path.startswith(OPEN_PATHS):
            return False
        user = request.user
        return requires_two_factor(user) and not second_factor_given(request)


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """What a locked-out login gets (django-axes): JSON for the API, a page elsewhere."""
    from django.shortcuts import render

    if request.path.startswith("/api/"):
        message = _("Te veel mislukte pogingen; probeer het later opnieuw")
        return JsonResponse({"detail": message}, status=429)
    return render(request, "registration/locked_out.html", status=429)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for the lockout (django-axes' AXES_CLIENT_IP_CALLABLE).

    Behind `WAARBORG_PROXY_COUNT` reverse proxies (env AXES_PROXY_COUNT), each proxy appends the
    address it received the request from to X-Forwarded-For, and the last proxy is REMOTE_ADDR.
    The client is therefore the entry that many places from the right: what a client writes
    into the header itself stays to the left of it and is never used. Without proxies (0), and
    for anything that is not an address, REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR")
    count = getattr(settings, "WAARBORG_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    chain = [*forwarded, remote or ""]
    candidate = chain[-(count + 1)] if len(chain) > count else chain[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
