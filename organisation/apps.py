from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = _("Organisatie")

    def ready(self) -> None:
        from accounts import roles
        from core.history import track_app
        from organisation import demo, reminders  # noqa: F401  (they register themselves)

        track_app(self)
        roles.grant(roles.SECURITY_OFFICER, self.label, ["service", "availability"])
        roles.grant(roles.SECURITY_OFFICER, self.label, ["person", "department"], ["view"])
        roles.grant(roles.PRIVACY_OFFICER, self.label, ["service", "person", "department"], ["view"])
        roles.grant(roles.WORKSHOP_COORDINATOR, self.label, ["person", "department"], ["view"])
        roles.grant(roles.EMPLOYEE, self.label, ["service"], ["view"])
        roles.grant(roles.ADMINISTRATOR, self.label, ["person", "department"])
        roles.auditor_reads(self.label)
