from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

INCIDENT_MODELS = [
    "incident",
    "timelineentry",
    "calamity",
    "ddosattack",
    "phishingtakedown",
    "misuseinvestigation",
    "fraudaccountremoval",
    "exercise",
    "lesson",
    "importbatch",
]


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidenten")

    def ready(self) -> None:
        from accounts import roles
        from core.history import track_app

        from . import demo, reminders, retention_policies  # noqa: F401  (they register themselves)

        track_app(self)
        roles.auditor_reads(self.label)
        roles.grant(roles.SECURITY_OFFICER, self.label, INCIDENT_MODELS)
