from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = _("Compliance")

    def ready(self) -> None:
        from accounts import roles
        from compliance import controls, demo, dossier, reminder_sources  # noqa: F401  (they register themselves)
        from core.history import track_app

        track_app(self)
        roles.grant(roles.SECURITY_OFFICER, self.label, ["followupaction"])
        roles.grant(roles.PRIVACY_OFFICER, self.label, ["followupaction"])
        framework_models = ["framework", "requirement", "applicability", "control", "controlcheck"]
        framework_models += ["evidence", "policy"]
        roles.grant(roles.SECURITY_OFFICER, self.label, framework_models)
        check_flow = ["view_all_checks", "submit_controlcheck", "review_controlcheck"]
        roles.grant_codenames(roles.SECURITY_OFFICER, self.label, check_flow)
        roles.grant_codenames(roles.AUDITOR, self.label, ["view_all_checks"])
        # Employees see and submit the checks assigned to them (object-level filtering in
        # the querysets) and add evidence to them.
        roles.grant(roles.EMPLOYEE, self.label, ["control", "controlcheck", "evidence"], ["view"])
        roles.grant(roles.EMPLOYEE, self.label, ["evidence"], ["add"])
        roles.grant_codenames(roles.EMPLOYEE, self.label, ["submit_controlcheck"])
        roles.auditor_reads(self.label)
