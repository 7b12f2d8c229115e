from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = _("Compliance")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from . import (  # noqa: F401  (they register themselves)
            accounts,
            checks,
            demo,
            dossier,
            reminder_sources,
            retention_policies,
            roles,
            signals,
        )
        from .history import track_app, track_model

        # Events, reminders and seals are records of what happened themselves; they never change.
        track_app(self, exclude=["event", "reminder", "historyseal"])
        track_model(get_user_model(), exclude_fields=["password", "last_login"], m2m_fields=["groups"])
        track_model(Group, m2m_fields=["permissions"])

        roles.grant(roles.SECURITY_OFFICER, self.label, ["service", "availability", "followupaction"])
        roles.grant(roles.SECURITY_OFFICER, self.label, ["person", "department"], ["view"])
        roles.grant(roles.PRIVACY_OFFICER, self.label, ["followupaction"])
        roles.grant(roles.PRIVACY_OFFICER, self.label, ["service", "person", "department"], ["view"])
        roles.grant(roles.WORKSHOP_COORDINATOR, self.label, ["person", "department"], ["view"])
        roles.grant(roles.EMPLOYEE, self.label, ["service"], ["view"])
        framework_models = ["framework", "requirement", "applicability", "control", "controlcheck"]
        framework_models += ["evidence", "policy"]
        roles.grant(roles.SECURITY_OFFICER, self.label, framework_models)
        roles.grant(roles.SECURITY_OFFICER, self.label, ["reminder", "event"], ["view"])
        check_flow = ["view_all_checks", "submit_controlcheck", "review_controlcheck"]
        roles.grant_codenames(roles.SECURITY_OFFICER, self.label, check_flow)
        roles.grant_codenames(roles.AUDITOR, self.label, ["view_all_checks"])
        # Employees see and submit the checks assigned to them (object-level filtering in
        # the querysets) and add evidence to them.
        roles.grant(roles.EMPLOYEE, self.label, ["control", "controlcheck", "evidence"], ["view"])
        roles.grant(roles.EMPLOYEE, self.label, ["evidence"], ["add"])
        roles.grant_codenames(roles.EMPLOYEE, self.label, ["submit_controlcheck"])
        roles.grant(roles.ADMINISTRATOR, "auth", ["user", "group"])
        roles.grant(roles.ADMINISTRATOR, self.label, ["person", "department"])
        # API tokens: the Beheerder sees who has one and revokes it; never the key, and it
        # creates none (that would let it act as the token's owner).
        roles.grant(roles.ADMINISTRATOR, "knox", ["authtoken"], ["view", "delete"])
        # A user who lost their phone: the administrator removes the device (the user enrols
        # again at the next login) or a lockout after failed logins.
        roles.grant(roles.ADMINISTRATOR, "otp_totp", ["totpdevice"], ["view", "delete"])
        roles.grant(roles.ADMINISTRATOR, "otp_static", ["staticdevice"], ["view", "delete"])
        roles.grant(roles.ADMINISTRATOR, "axes", ["accessattempt"], ["view", "delete"])
        roles.auditor_reads(self.label)
        roles.auditor_reads("auditlog")
        post_migrate.connect(sync_roles_after_migrate, sender=self)


def sync_roles_after_migrate(sender: AppConfig, verbosity: int = 1, **kwargs: object) -> None:
    """After every migrate: make sure every model's permissions exist (apps after this
    one have not had their post_migrate yet), then set each role's permissions."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from .roles import sync_roles

    using = str(kwargs.get("using", "default"))
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles(verbosity=verbosity)
