"""API of departments, people, services and availability."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.export import ExportListMixin
from core.filters import MAX_YEAR, MIN_YEAR
from organisation import filters
from organisation.api import serializers
from organisation.models import Availability, Department, Person, Service


class DepartmentViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = Department.objects.all()
    serializer_class = serializers.DepartmentSerializer
    filterset_class = filters.DepartmentFilter
    search_fields = ["name", "code"]


class PersonViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = Person.objects.select_related("user", "department")
    serializer_class = serializers.PersonSerializer
    filterset_class = filters.PersonFilter
    search_fields = ["user__username", "user__first_name", "user__last_name"]


class ServiceViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = Service.objects.all()
    serializer_class = serializers.ServiceSerializer
    filterset_class = filters.ServiceFilter
    search_fields = ["name", "slug"]
    ordering_fields = ["name", "domain"]

    @extend_schema(
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, description="Jaar (standaard: dit jaar)")],
        responses=serializers.ServiceAvailabilityYearSerializer,
    )
    @action(detail=True, methods=["get"], url_path="availability")
    def availability(self, request: Request, pk: str | None = None) -> Response:
        """The year's availability, computed from the months, against the norm."""
        service = self.get_object()
        try:
            year = int(request.query_params.get("year", timezone.localdate().year))
        except ValueError:
            year = 0
        if not MIN_YEAR <= year <= MAX_YEAR:
            return Response({"year": ["Ongeldig jaar"]}, status=400)
        months = list(service.availability_months.filter(month__year=year))
        achieved = Availability.year_figure(months)
        norm = service.availability_norm
        met = None if achieved is None or norm is None else achieved >= norm
        data = {"service": service.name, "year": year, "norm": norm, "achieved": achieved, "met": met}
        return Response(serializers.ServiceAvailabilityYearSerializer({**data, "months": len(months)}).data)


class AvailabilityViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = Availability.objects.select_related("service")
    serializer_class = serializers.AvailabilitySerializer
    filterset_class = filters.AvailabilityFilter
    ordering_fields = ["month", "achieved"]
