"""The admin of accounts and their secrets: users, roles, second-factor devices, API tokens.

Who may do what to whom:
- Only a superuser grants superuser, gives a permission directly to a user, puts a user in a
  group that is not a Waarborg role, or changes a group. The roles' permissions come from code
  (`compliance/roles.py`, set again after every `migrate`); to everyone else they are read-only.
- The Beheerder creates users, deactivates them, puts them in the roles and resets their second
  factor or lockout; it cannot change, delete or reset a superuser.
- Nobody changes their own groups or flags (active, staff, superuser, permissions).
- No page shows a TOTP key, its otpauth:// URI, a recovery code or an API token's key or hash.

Each rule is enforced on the server: a field that is not offered and is posted anyway is
refused with an error, and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Field, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from . import roles
from .middleware import OPTIONAL_2FA_ROLES, requires_two_factor, second_factor_given
from .models import SSOIdentity

User = get_user_model()

# Fields only a superuser sets, on anyone.
SUPERUSER_ONLY = ("is_superuser", "user_permissions")
# Fields nobody sets on their own account.
OWN_LOCKED = ("groups", "is_active", "is_staff", "is_superuser", "user_permissions")


def _unregister(model: type) -> None:
    if admin.site.is_registered(model):
        admin.site.unregister(model)


def _acts_on_superuser(request: HttpRequest, obj: Any) -> bool:
    """Whether a non-superuser is about to act on a superuser (or a superuser's device)."""
    target = getattr(obj, "user", obj)
    return bool(target is not None and getattr(target, "is_superuser", False) and not request.user.is_superuser)


def without_second_factor(queryset: QuerySet) -> QuerySet:
    """Active users whose role requires a second factor (as the login does) and who have no
    confirmed authenticator."""
    User = get_user_model()
    # the rule of the login (accounts.middleware.requires_two_factor), as a query
    needs = User.objects.filter(
        Q(is_superuser=True)
        | Q(is_staff=True)
        | Q(groups__in=Group.objects.exclude(name__in=OPTIONAL_2FA_ROLES))
        | Q(user_permissions__isnull=False)
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


class UserAdmin(BaseUserAdmin):
    list_filter = (*BaseUserAdmin.list_filter, SecondFactorFilter)

    def _forbidden(self, request: HttpRequest, obj: Any) -> set[str]:
        forbidden = set() if request.user.is_superuser else set(SUPERUSER_ONLY)
        if obj is not None and obj.pk == request.user.pk:
            forbidden |= set(OWN_LOCKED)
        return forbidden

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        hidden = set() if request.user.is_superuser else set(SUPERUSER_ONLY)
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            readonly += [f for f in OWN_LOCKED if f not in readonly]
        return readonly

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        forbidden = self._forbidden(request, obj)

        class GuardedForm(form_class):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                cleaned = super().clean()
                sent = sorted(name for name in forbidden if name in self.data)
                if sent:
                    raise forms.ValidationError(
                        _("U mag deze velden niet wijzigen: %(fields)s."),
                        code="forbidden_fields",
                        params={"fields": ", ".join(sent)},
                    )
                return cleaned

        return GuardedForm

    def formfield_for_manytomany(self, db_field: Field, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=roles.ROLES)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # A group the Beheerder is not offered (such as the SOC supplier's) stays as it was.
        kept = [] if request.user.is_superuser else list(form.instance.groups.exclude(name__in=roles.ROLES))
        super().save_related(request, form, formsets, change)
        if kept:
            form.instance.groups.add(*kept)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not _acts_on_superuser(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not _acts_on_superuser(request, obj)


class GroupAdmin(BaseGroupAdmin):
    """The roles are read-only to everyone but a superuser: their permissions come from code."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class SecretFreeAdmin(admin.ModelAdmin):
    """Lists who has a device or token and lets it be deleted (a reset or a revocation);
    never adds, never changes, and shows no secret."""

    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("user")

    readonly_fields = ["holder"]

    @admin.display(description=_("gebruiker"), ordering="user__username")
    def holder(self, obj: Any) -> str:
        """The owner by full name (the libraries' own field has no translatable label)."""
        return obj.user.get_full_name() or obj.user.get_username()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not _acts_on_superuser(request, obj)


class TOTPDeviceAdmin(SecretFreeAdmin):
    list_display = ["holder", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    fields = ["holder", "name", "confirmed", "created_at", "last_used_at"]


class StaticDeviceAdmin(SecretFreeAdmin):
    """Recovery codes: the codes themselves are not shown."""

    list_display = ["holder", "name", "confirmed", "created_at", "last_used_at"]
    fields = ["holder", "name", "confirmed", "created_at", "last_used_at"]


class AuthTokenAdmin(SecretFreeAdmin):
    """API tokens: owner, creation and expiry; the key is never stored and its hash not shown."""

    list_display = ["holder", "created", "expiry"]
    fields = ["holder", "created", "expiry"]
    date_hierarchy = "created"


@admin.register(SSOIdentity)
class SSOIdentityAdmin(admin.ModelAdmin):
    """Which accounts log in through single sign-on, as whom at the provider. Read-only: the link
    is made by the first login and never by hand (that would hand an account to someone else)."""

    list_display = ["user", "issuer", "subject", "created_at", "last_login_at"]
    search_fields = ["user__username", "subject"]
    list_filter = ["issuer"]
    fields = list_display

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


for _model, _admin in (
    (User, UserAdmin),
    (Group, GroupAdmin),
    (TOTPDevice, TOTPDeviceAdmin),
    (StaticDevice, StaticDeviceAdmin),
    (AuthToken, AuthTokenAdmin),
):
    _unregister(_model)
    admin.site.register(_model, _admin)


_site_has_permission = admin.site.has_permission


def _has_permission(request: HttpRequest) -> bool:
    """The admin itself also refuses whoever needs a second factor and has not given one
    (the middleware sends them to verification first; this holds if it is bypassed)."""
    if not _site_has_permission(request):
        return False
    if not settings.WAARBORG_REQUIRE_2FA or not requires_two_factor(request.user):
        return True
    return second_factor_given(request)


admin.site.has_permission = _has_permission  # type: ignore[method-assign]
