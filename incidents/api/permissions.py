from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from ..roles import SOC_SUPPLIER


class IsSocSupplier(BasePermission):
    """Only members of the SOC supplier's group may post detections."""

    message = _("Alleen de SOC-leverancier mag detecties melden")

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.groups.filter(name=SOC_SUPPLIER).exists())


class CanViewIncidents(BasePermission):
    """Statistics: whoever may read the incidents."""

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("incidents.view_incident"))
