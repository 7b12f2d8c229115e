from django.contrib import admin

from core.admin_base import ReadOnlyAdmin
from core.admin_export import ExportMixin

from .models import AccessLog, ExportJob


@admin.register(AccessLog)
class AccessLogAdmin(ExportMixin, ReadOnlyAdmin):
    list_display = ["timestamp", "username", "action", "name", "format", "row_count", "object_repr"]
    list_filter = ["action", "format", "model"]
    search_fields = ["username", "name", "object_repr", "sha256"]
    date_hierarchy = "timestamp"
    export_fields = [
        "timestamp",
        "username",
        "action",
        "name",
        "model",
        "filters",
        "format",
        "row_count",
        "object_id",
        "object_repr",
        "sha256",
    ]


@admin.register(ExportJob)
class ExportJobAdmin(ExportMixin, ReadOnlyAdmin):
    list_display = ["created_at", "requested_by", "description", "format", "status", "rows_done", "rows_total"]
    list_filter = ["status", "format", "source"]
    list_select_related = ["requested_by"]
    search_fields = ["exporter", "description", "requested_by__username"]
    date_hierarchy = "created_at"
