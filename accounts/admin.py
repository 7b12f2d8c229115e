"""The user list in Beheer gets one filter more: who still owes a second factor. The start
page of the Beheerder counts with it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import OPTIONAL_2FA_ROLES


def without_second_factor(queryset: QuerySet) -> QuerySet:
    """Active users whose role requires a second factor (as the login does) and who have no
    confirmed authenticator."""
    User = get_user_model()
    needs = User.objects.filter(
        Q(is_superuser=True) | Q(groups__in=Group.objects.exclude(name__in=OPTIONAL_2FA_ROLES))
    ).values("pk")
    enrolled = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    return queryset.filter(is_active=True, pk__in=needs).exclude(pk__in=enrolled)


class SecondFactorFilter(admin.SimpleListFilter):
    title = _("tweede factor")
    parameter_name = "second_factor"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("missing", _("Nog niet ingesteld (verplicht)"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return without_second_factor(queryset) if self.value() == "missing" else queryset


_User = get_user_model()
_BaseUserAdmin = type(admin.site._registry[_User])
admin.site.unregister(_User)


@admin.register(_User)
class UserAdmin(_BaseUserAdmin):  # type: ignore[valid-type,misc]
    list_filter = (*_BaseUserAdmin.list_filter, SecondFactorFilter)
