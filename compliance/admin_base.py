"""The admin base every app's ModelAdmin derives from."""

from typing import Any

from auditlog.mixins import AuditlogHistoryAdminMixin
from django.contrib import admin
from django.http import HttpRequest, HttpResponse


class WaarborgAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    """The admin's "History" button shows the full change history (admin, API and
    tasks alike), not only changes made through the admin."""

    auditlog_history_per_page = 50
    list_per_page = 50

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        return self.auditlog_history_view(request, object_id, extra_context)


class ReadOnlyAdmin(WaarborgAdmin):
    """For records nobody edits by hand (events, reminders sent)."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
