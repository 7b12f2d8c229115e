"""Roles are Django groups. Each app declares what its roles may do; the groups and
their permissions are kept in step after every migration.

Apps above the core register their grants in their AppConfig.ready(), so the core
never imports them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

SECURITY_OFFICER = "Security officer"
PRIVACY_OFFICER = "Privacyfunctionaris"
WORKSHOP_COORDINATOR = "Workshopcoördinator"
AUDITOR = "Auditor"
EMPLOYEE = "Medewerker"
ADMINISTRATOR = "Beheerder"

ROLES = {
    SECURITY_OFFICER: _("Security officer (CISO-office)"),
    PRIVACY_OFFICER: _("Privacyfunctionaris (FG)"),
    WORKSHOP_COORDINATOR: _("Workshopcoördinator"),
    AUDITOR: _("Auditor"),
    EMPLOYEE: _("Medewerker"),
    ADMINISTRATOR: _("Beheerder"),
}

# Where each role starts its day: "Vandaag" (the start page, `/`), with a section per role
# (printed by `load_demo`; the manual has a page per role).
START_PAGES = {
    SECURITY_OFFICER: "/",
    PRIVACY_OFFICER: "/",
    WORKSHOP_COORDINATOR: "/",
    AUDITOR: "/",
    EMPLOYEE: "/",
    ADMINISTRATOR: "/",
}

ALL_ACTIONS = ("add", "change", "delete", "view")

# role -> set of (app_label, codename)
_grants: dict[str, set[tuple[str, str]]] = defaultdict(set)
# apps whose every model the auditor may view
_auditor_apps: set[str] = set()


def grant(role: str, app_label: str, models: Iterable[str], actions: Iterable[str] = ALL_ACTIONS) -> None:
    """Give `role` the `actions` permissions on `models` (lower-case model names) of `app_label`."""
    actions = tuple(actions)
    for model in models:
        for action in actions:
            _grants[role].add((app_label, f"{action}_{model}"))


def grant_codenames(role: str, app_label: str, codenames: Iterable[str]) -> None:
    """Give `role` custom permissions by codename."""
    _grants[role].update((app_label, codename) for codename in codenames)


def auditor_reads(app_label: str) -> None:
    """The auditor may view every model of `app_label`."""
    _auditor_apps.add(app_label)


def wanted_permissions(role: str) -> set[tuple[str, str]]:
    from django.apps import apps

    wanted = set(_grants[role])
    if role == AUDITOR:
        for app_label in _auditor_apps:
            for model in apps.get_app_config(app_label).get_models():
                wanted.add((app_label, f"view_{model._meta.model_name}"))
    return wanted


def sync_roles(verbosity: int = 0) -> None:
    """Create the groups and set exactly the permissions declared for them."""
    from django.contrib.auth.models import Group, Permission

    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role)
        wanted = wanted_permissions(role)
        perms = [
            perm
            for perm in Permission.objects.select_related("content_type").filter(
                codename__in={codename for _app, codename in wanted}
            )
            if (perm.content_type.app_label, perm.codename) in wanted
        ]
        group.permissions.set(perms)
        if verbosity > 1:
            print(f"role {role}: {len(perms)} permissions")
