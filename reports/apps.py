from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Rapportages")

    def ready(self) -> None:
        from accounts import roles
        from core import access, exporters
        from core.api import export  # noqa: F401 (registers its source)

        from . import exports, retention_policies  # noqa: F401  (retention_policies registers itself)
        from .access import subscriber

        access.on_access(subscriber)
        exporters.set_async_handler(exports.queue_export)
        exports.register_report_exporters()

        # Reading reports: the officers and the auditor; the dashboard also the administrator.
        for role in (roles.SECURITY_OFFICER, roles.PRIVACY_OFFICER, roles.AUDITOR):
            roles.grant_codenames(role, self.label, ["view_annual_report", "view_dashboard"])
        roles.grant_codenames(roles.ADMINISTRATOR, self.label, ["view_dashboard", "view_accesslog"])
        # The auditor views every export job and the whole access log (read-only).
        roles.auditor_reads(self.label)
