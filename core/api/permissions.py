from typing import Any

from auditlog.context import auditlog_value
from rest_framework.permissions import DjangoModelPermissions


def remember_actor(user: Any) -> None:
    """Tell the change history who acts. AuditlogMiddleware runs before DRF has
    authenticated a token, so it saw an anonymous user; fill in the real one."""
    if not getattr(user, "is_authenticated", False):
        return
    try:
        context = auditlog_value.get()
    except LookupError:
        return
    if context.get("actor") is None:
        context["actor"] = user


class RolePermissions(DjangoModelPermissions):
    """Model permissions from the user's roles; reading needs the view permission too,
    so an employee cannot read the register an auditor may.

    It runs after authentication on every API request, which is why it also records the
    actor for the change history."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
    }

    def has_permission(self, request: Any, view: Any) -> bool:
        remember_actor(request.user)
        if getattr(view, "_ignore_model_permissions", False):
            return bool(request.user and request.user.is_authenticated)
        return super().has_permission(request, view)
