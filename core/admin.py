"""Admin of the platform's own records: named events, history seals and reminders (read-only)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin_base import ReadOnlyAdmin
from core.admin_export import ExportMixin
from core.models import Event, HistorySeal, Reminder
from core.pickers import install

# Pickers answer to the people who edit the record, not only to those who may list the target.
install(admin.site)


@admin.register(Event)
class EventAdmin(ExportMixin, ReadOnlyAdmin):
    list_display = ["timestamp", "name", "object_repr", "actor"]
    list_filter = ["name", "content_type"]
    list_select_related = ["actor", "content_type"]
    search_fields = ["name", "object_repr"]
    date_hierarchy = "timestamp"


@admin.register(HistorySeal)
class HistorySealAdmin(ExportMixin, ReadOnlyAdmin):
    list_display = ["sequence", "entry", "hash", "sealed_at"]
    list_select_related = ["entry"]
    search_fields = ["hash"]
    show_full_result_count = False


@admin.register(Reminder)
class ReminderAdmin(ExportMixin, ReadOnlyAdmin):
    """Every reminder recorded and sent: recipient, item, stage and time."""

    list_display = ["created_at", "recipient", "stage", "title", "due", "sent_at", "attempts", "last_error"]
    list_filter = ["escalation", "source", "item_type"]
    list_select_related = ["recipient", "item_type"]
    search_fields = ["title", "recipient__username", "recipient__email", "stage"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]
