from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from accounts import roles, signals, sso  # noqa: F401  (signals and the check register themselves)
        from core.history import track_model

        track_model(get_user_model(), exclude_fields=["password", "last_login"], m2m_fields=["groups"])
        track_model(Group, m2m_fields=["permissions"])
        from accounts.models import SSOIdentity

        track_model(SSOIdentity, exclude_fields=["last_login_at"])

        # The platform's records: the security officer follows reminders and events; the
        # auditor reads everything, the change history included.
        roles.grant(roles.SECURITY_OFFICER, "core", ["reminder", "event"], ["view"])
        roles.auditor_reads("core")
        roles.auditor_reads("auditlog")
        roles.grant(roles.ADMINISTRATOR, "auth", ["user", "group"])
        # API tokens: the Beheerder sees who has one and revokes it; never the key, and it
        # creates none (that would let it act as the token's owner).
        roles.grant(roles.ADMINISTRATOR, "knox", ["authtoken"], ["view", "delete"])
        # A user who lost their phone: the administrator removes the device (the user enrols
        # again at the next login) or a lockout after failed logins.
        roles.grant(roles.ADMINISTRATOR, "otp_totp", ["totpdevice"], ["view", "delete"])
        roles.grant(roles.ADMINISTRATOR, "otp_static", ["staticdevice"], ["view", "delete"])
        roles.grant(roles.ADMINISTRATOR, "axes", ["accessattempt"], ["view", "delete"])
        # Which accounts log in through single sign-on (read-only: the first login links them).
        roles.grant(roles.ADMINISTRATOR, "accounts", ["ssoidentity"], ["view"])
        # Sync after the last app with models (accounts comes early), when every app's
        # permissions can exist.
        from django.apps import apps

        last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
        post_migrate.connect(sync_roles_after_migrate, sender=last)


def sync_roles_after_migrate(sender: AppConfig, verbosity: int = 1, **kwargs: object) -> None:
    """After every migrate: make sure every model's permissions exist (apps after this
    one have not had their post_migrate yet), then set each role's permissions."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from accounts.roles import sync_roles

    using = str(kwargs.get("using", "default"))
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles(verbosity=verbosity)
