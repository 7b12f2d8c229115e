"""Admin of the platform's own records: named events, history seals and reminders (read-only)."""

from typing import Any

from auditlog.models import LogEntry
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext

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


if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class HistoryAdmin(ReadOnlyAdmin):
    """Every history record, newest first, as readable as an object's own history page."""

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        from core.history_page import history_page

        if not self.has_view_or_change_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Geschiedenis van alle wijzigingen"),
            "subtitle": None,
            "opts": self.opts,
            **history_page(request, self._filtered(request), with_subject=True),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/waarborg/history.html", context)

    @staticmethod
    def _filtered(request: HttpRequest) -> Any:
        """The API's history filters (`model=app.model`, `object`, `username`, `since`, ...)
        work here too; an invalid filter shows nothing rather than everything."""
        from core.filters import HistoryFilter

        query = request.GET.copy()
        query.pop("page", None)
        if not query:
            return LogEntry.objects.all()
        filtered = HistoryFilter(query, queryset=LogEntry.objects.all())
        return filtered.qs if filtered.is_valid() else LogEntry.objects.none()

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        from django.http import Http404

        raise Http404
