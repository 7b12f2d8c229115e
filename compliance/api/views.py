from rest_framework import viewsets

from compliance import filters
from compliance.api import serializers
from compliance.models import FollowUpAction
from core.api.export import ExportListMixin


class FollowUpActionViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = FollowUpAction.objects.select_related("source_type")
    serializer_class = serializers.FollowUpActionSerializer
    filterset_class = filters.FollowUpActionFilter
    search_fields = ["title", "description"]
    ordering_fields = ["due_date", "created_at", "status"]
