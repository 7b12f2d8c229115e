from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy (AVG)")

    def ready(self) -> None:
        from compliance import roles
        from compliance.history import track_app

        track_app(self)
        roles.auditor_reads(self.label)
