"""Enrolment and verification of the second factor (TOTP, with recovery codes)."""

from __future__ import annotations

import math
from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


class LoginForm(AuthenticationForm):
    """Django's login form with the browser hints for a password manager."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class LoginView(auth_views.LoginView):
    """The login page; with single sign-on configured it also offers "Inloggen met <organisatie>"."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from accounts import sso

        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = sso.enabled()
        context["sso_label"] = sso.login_label()
        return context


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=_("De zescijferige code uit uw authenticator-app, of een van uw herstelcodes."),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else "/"


def _verify(request: HttpRequest, token: str) -> tuple[bool, int]:
    """Whether a device accepts the code; if none did, the seconds to wait before the
    throttled devices (django-otp doubles the wait after each wrong code) try again."""
    wait = 0
    for device in devices_for_user(request.user, confirmed=True):
        allowed, details = device.verify_is_allowed()
        if not allowed:
            until = (details or {}).get("locked_until")
            if until is not None:
                wait = max(wait, math.ceil((until - timezone.now()).total_seconds()), 1)
            continue
        if device.verify_token(token.strip().replace(" ", "")):
            otp_login(request, device)
            return True, 0
    return False, wait


@login_required
@sensitive_post_parameters("token")
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify with a confirmed device, or enrol one if the user has none."""
    if not any(devices_for_user(request.user, confirmed=True)):
        return _enrol(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified, wait = _verify(request, form.cleaned_data["token"])
        if verified:
            return redirect(_next_url(request))
        if wait:
            message = ngettext(
                "Te veel pogingen. Probeer het over %(seconds)d seconde opnieuw.",
                "Te veel pogingen. Probeer het over %(seconds)d seconden opnieuw.",
                wait,
            ) % {"seconds": wait}
            form.add_error("token", message)
        else:
            form.add_error("token", _("Deze code klopt niet of is al gebruikt."))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)})


def _enrol(request: HttpRequest) -> HttpResponse:
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "authenticator"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save()
            otp_login(request, device)
            codes = _new_recovery_codes(request.user)
            messages.success(request, _("Tweestapsverificatie is ingesteld."))
            return render(request, "registration/two_factor_codes.html", {"codes": codes, "next": _next_url(request)})
        form.add_error("token", _("Deze code klopt niet. Controleer de tijd op uw telefoon en probeer opnieuw."))
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return render(
        request,
        "registration/two_factor_enrol.html",
        {"form": form, "qr": qr, "secret": _base32(device), "next": _next_url(request)},
    )


def _new_recovery_codes(user: object) -> list[str]:
    """Replace the user's recovery codes; each works once."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    device.token_set.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _base32(device: TOTPDevice) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode().rstrip("=")
