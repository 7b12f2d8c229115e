from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.export import ExportListMixin
from core.filters import MAX_YEAR, MIN_YEAR

from .. import filters
from ..annual import annual_report
from ..models import AccessLog, ExportJob
from ..views import download_job_file
from . import serializers


class CanReadAnnualReport(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.has_perm("reports.view_annual_report"))


class AnnualReportView(APIView):
    """The annual report: the same JSON as `manage.py annual_report --year YYYY`."""

    permission_classes = [CanReadAnnualReport]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, year: int) -> Response:
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise NotFound("Geen jaarverslag voor dit jaar")
        return Response(annual_report(year))


class AccessLogViewSet(ExportListMixin, viewsets.ReadOnlyModelViewSet):
    """Who exported or downloaded what, when (auditors and administrators)."""

    queryset = AccessLog.objects.all()
    serializer_class = serializers.AccessLogSerializer
    filterset_class = filters.AccessLogFilter
    search_fields = ["username", "name", "object_repr"]
    ordering_fields = ["timestamp"]


class ExportJobViewSet(ExportListMixin, viewsets.ReadOnlyModelViewSet):
    """Background exports: your own, or all of them for auditors; the file when done."""

    queryset = ExportJob.objects.select_related("requested_by")
    serializer_class = serializers.ExportJobSerializer
    filterset_class = filters.ExportJobFilter
    permission_classes = [permissions.IsAuthenticated]
    ordering_fields = ["created_at"]

    def get_queryset(self) -> Any:
        queryset = super().get_queryset()
        user = self.request.user
        if user.has_perm("reports.view_exportjob"):
            return queryset
        return queryset.filter(requested_by=user)

    @extend_schema(responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="het bestand")})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        return download_job_file(request, self.get_object())
