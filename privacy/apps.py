from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

REGISTER_MODELS = [
    "category",
    "processingactivity",
    "purpose",
    "processor",
    "transfer",
    "questionnaire",
    "question",
    "selfassessment",
    "answer",
    "dpia",
    "dpiarisk",
    "databreach",
]
WORKSHOP_MODELS = ["workshopseries", "workshopsession", "registration"]


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy (AVG)")

    def ready(self) -> None:
        from accounts import roles
        from core.history import track_app

        from . import demo, reminders, retention_policies  # noqa: F401  (they register themselves with the core)

        track_app(self)
        roles.auditor_reads(self.label)
        roles.grant(roles.PRIVACY_OFFICER, self.label, REGISTER_MODELS)
        # Transitions are written by the workflow only.
        roles.grant(roles.PRIVACY_OFFICER, self.label, ["dpiatransition"], ["view"])
        roles.grant(roles.PRIVACY_OFFICER, self.label, WORKSHOP_MODELS, ["view"])
        roles.grant(roles.WORKSHOP_COORDINATOR, self.label, WORKSHOP_MODELS)
        roles.grant(roles.EMPLOYEE, self.label, ["workshopseries", "workshopsession"], ["view"])
        # Own registrations only: the object-level rule is in the viewset, the pages and the admin.
        roles.grant(roles.EMPLOYEE, self.label, ["registration"], ["add", "delete", "view"])
        for role in (roles.WORKSHOP_COORDINATOR, roles.PRIVACY_OFFICER, roles.AUDITOR):
            roles.grant_codenames(role, self.label, ["view_all_registrations"])
