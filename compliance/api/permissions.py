from typing import Any

from rest_framework.permissions import DjangoModelPermissions


class RolePermissions(DjangoModelPermissions):
    """Model permissions from the user's roles; reading needs the view permission too,
    so an employee cannot read the register an auditor may."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
    }

    def has_permission(self, request: Any, view: Any) -> bool:
        if getattr(view, "_ignore_model_permissions", False):
            return bool(request.user and request.user.is_authenticated)
        return super().has_permission(request, view)
