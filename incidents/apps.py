from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidenten")

    def ready(self) -> None:
        from compliance import roles
        from compliance.history import track_app

        track_app(self)
        roles.auditor_reads(self.label)
