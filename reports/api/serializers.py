from typing import Any

from rest_framework import serializers

from core.api.versioning import for_version

from ..models import AccessLog, ExportJob


class AccessLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessLog
        fields = [
            "id",
            "timestamp",
            "user",
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
            "details",
        ]


class ExportJobSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "requested_by",
            "source",
            "exporter",
            "description",
            "filters",
            "format",
            "status",
            "rows_done",
            "rows_total",
            "percent",
            "sha256",
            "created_at",
            "finished_at",
            "error",
            "download_url",
        ]

    def get_download_url(self, obj: ExportJob) -> str | None:
        if obj.status != ExportJob.Status.DONE:
            return None
        request: Any = self.context.get("request")
        url = for_version(request, f"/api/v1/export-jobs/{obj.pk}/download/")
        return request.build_absolute_uri(url) if request else url
