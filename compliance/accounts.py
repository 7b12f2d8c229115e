"""Enrolment and verification of the second factor (TOTP, with recovery codes)."""

from __future__ import annotations

from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
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


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=_("De zescijferige code uit uw authenticator-app, of een van uw herstelcodes."),
    )


@receiver(user_logged_in, dispatch_uid="waarborg-reset-own-failures")
def reset_own_failures(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A successful login clears that account's failed attempts, and only those: failures
    of other accounts from the same address still count (settings: AXES_RESET_ON_SUCCESS is
    off because django-axes would delete every attempt from the address as well)."""
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(username=user.get_username()).delete()


def revoke_tokens_on_new_privilege(
    sender: object, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """A user who gains a role or a permission loses their API tokens: a token was issued on
    what the user was then (a Medewerker's without a second factor), and must not carry the
    new rights past the second factor. They ask for a new one, giving it."""
    from knox.models import AuthToken

    if action != "post_add" or not pk_set:
        return
    if reverse:  # group.user_set.add(...) or permission.user_set.add(...): pk_set are users
        AuthToken.objects.filter(user_id__in=pk_set).delete()
    else:
        AuthToken.objects.filter(user=instance).delete()


for _relation in (get_user_model().groups, get_user_model().user_permissions):
    m2m_changed.connect(
        revoke_tokens_on_new_privilege, sender=_relation.through, dispatch_uid=f"waarborg-revoke-{_relation.field.name}"
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else "/"


def _verify(request: HttpRequest, token: str) -> bool:
    for device in devices_for_user(request.user, confirmed=True):
        if device.verify_token(token.strip().replace(" ", "")):
            otp_login(request, device)
            return True
    return False


@login_required
@sensitive_post_parameters("token")
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify with a confirmed device, or enrol one if the user has none."""
    if not any(devices_for_user(request.user, confirmed=True)):
        return _enrol(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _verify(request, form.cleaned_data["token"]):
            return redirect(_next_url(request))
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
