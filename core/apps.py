from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from core import checks, retention_policies  # noqa: F401  (they register themselves)
        from core.history import connect_channel_signals

        connect_channel_signals()

        # The core's own records (events, reminders, seals) are records of what happened
        # themselves; they never change, so they have no change history of their own.
