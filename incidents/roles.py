"""The SOC supplier's role. It is not one of the core roles (accounts.roles.ROLES): the
group holds no model permission at all, and its members may only post detections to the
SOC intake endpoint (incidents.api.permissions.IsSocSupplier)."""

from django.utils.translation import gettext_lazy as _

SOC_SUPPLIER = "SOC-leverancier"
SOC_SUPPLIER_LABEL = _("SOC-leverancier (alleen detecties melden)")
