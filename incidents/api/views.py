"""Thin views: every rule lives in the models and incidents.services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import filters as drf_filters
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance.api.serializers import FollowUpActionSerializer
from core.api.export import ExportListMixin

from .. import filters, services, stats
from ..models import (
    Calamity,
    DDoSAttack,
    Exercise,
    FraudAccountRemoval,
    ImportBatch,
    Incident,
    Lesson,
    MisuseInvestigation,
    PhishingTakedown,
    TimelineEntry,
)
from ..pseudonyms import pseudonymise_query
from . import serializers
from .pagination import FraudRemovalCursor, TakedownCursor
from .permissions import CanViewIncidents, IsSocSupplier


def _domain(call: Any) -> Any:
    """Run a domain function; its ValidationError becomes a 400 naming the fields."""
    try:
        return call()
    except DjangoValidationError as error:
        raise ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages) from None


class IncidentViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = Incident.objects.select_related("owner", "calamity__declared_by").prefetch_related("services")
    serializer_class = serializers.IncidentSerializer
    filterset_class = filters.IncidentFilter
    search_fields = ["reference", "title", "supplier_reference"]
    ordering_fields = ["started_at", "detected_at", "closed_at", "severity", "status"]

    @extend_schema(request=serializers.TransitionSerializer, responses=serializers.IncidentSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Move the incident to another status (the allowed transitions are in `allowed_transitions`)."""
        incident = self.get_object()
        data = self._valid(serializers.TransitionSerializer, request)
        _domain(lambda: services.change_status(incident, data["status"], request.user, note=data["note"]))
        return Response(self.get_serializer(self.get_queryset().get(pk=incident.pk)).data)

    @extend_schema(request=serializers.CommentSerializer, responses={201: serializers.TimelineEntrySerializer})
    @action(detail=True, methods=["post"])
    def comments(self, request: Request, pk: str | None = None) -> Response:
        """Add a comment to the incident's timeline."""
        incident = self.get_object()
        data = self._valid(serializers.CommentSerializer, request)
        entry = _domain(lambda: services.add_comment(incident, data["text"], request.user))
        return Response(serializers.TimelineEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.DeclareCalamitySerializer, responses={201: serializers.CalamitySerializer})
    @action(detail=True, methods=["post"], url_path="declare-calamity")
    def declare_calamity(self, request: Request, pk: str | None = None) -> Response:
        """Escalate the incident to a calamity: level and reason (required)."""
        incident = self.get_object()
        data = self._valid(serializers.DeclareCalamitySerializer, request)
        calamity = _domain(
            lambda: services.declare_calamity(
                incident,
                data["level"],
                data["reason"],
                request.user,
                at=data.get("declared_at"),
                late_reason=data["late_reason"],
            )
        )
        return Response(serializers.CalamitySerializer(calamity).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.DeclareCalamitySerializer, responses=serializers.CalamitySerializer)
    @action(detail=True, methods=["post"], url_path="escalate-calamity")
    def escalate_calamity(self, request: Request, pk: str | None = None) -> Response:
        """Raise the calamity to a higher crisis level."""
        incident = self.get_object()
        data = self._valid(serializers.DeclareCalamitySerializer, request)
        calamity = _domain(lambda: services.escalate_calamity(incident, data["level"], data["reason"], request.user))
        return Response(serializers.CalamitySerializer(calamity).data)

    @extend_schema(request=serializers.FollowUpRequestSerializer, responses={201: FollowUpActionSerializer})
    @action(detail=True, methods=["post"], url_path="follow-up-actions")
    def follow_up_actions(self, request: Request, pk: str | None = None) -> Response:
        """Raise a follow-up action (listed at /api/v1/actions/?source_model=incidents.incident&source_id=…)."""
        incident = self.get_object()
        data = self._valid(serializers.FollowUpRequestSerializer, request)
        created = services.raise_action(incident, data["title"], data["owner"], data["due_date"], data["description"])
        return Response(FollowUpActionSerializer(created).data, status=status.HTTP_201_CREATED)

    def _valid(self, serializer_class: Any, request: Request) -> dict[str, Any]:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class TimelineEntryViewSet(ExportListMixin, viewsets.ReadOnlyModelViewSet):
    """The timeline of every incident (comments are added at /incidents/{id}/comments/)."""

    queryset = TimelineEntry.objects.select_related("actor", "incident")
    serializer_class = serializers.TimelineEntrySerializer
    filterset_class = filters.TimelineEntryFilter
    ordering_fields = ["at"]


class CalamityViewSet(ExportListMixin, viewsets.ReadOnlyModelViewSet):
    """Calamities (declared at /incidents/{id}/declare-calamity/)."""

    queryset = Calamity.objects.select_related("incident", "declared_by")
    serializer_class = serializers.CalamitySerializer
    filterset_class = filters.CalamityFilter
    ordering_fields = ["declared_at", "level"]


class DDoSAttackViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = DDoSAttack.objects.select_related("service")
    serializer_class = serializers.DDoSAttackSerializer
    filterset_class = filters.DDoSAttackFilter
    ordering_fields = ["started_at", "peak_gbps", "interruption_minutes"]


class PhishingTakedownViewSet(ExportListMixin, viewsets.ModelViewSet):
    """Cursor-paginated (no count): stays quick at millions of rows."""

    queryset = PhishingTakedown.objects.all()
    serializer_class = serializers.PhishingTakedownSerializer
    filterset_class = filters.PhishingTakedownFilter
    pagination_class = TakedownCursor
    search_fields = ["normalised_url", "hosting_provider"]
    ordering_fields = ["reported_at"]


class MisuseInvestigationViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = MisuseInvestigation.objects.select_related("service")
    serializer_class = serializers.MisuseInvestigationSerializer
    filterset_class = filters.MisuseInvestigationFilter
    search_fields = ["chain_partner", "partner_reference", "subject"]
    ordering_fields = ["opened_on", "closed_on"]


class ExactSearchFilter(drf_filters.SearchFilter):
    """`=field` is an exact (case-sensitive) match, which a b-tree index serves; DRF's own
    `=` is `iexact` (UPPER(field) = UPPER(term)), which no index serves."""

    lookup_prefixes = {**drf_filters.SearchFilter.lookup_prefixes, "=": "exact"}


class FraudAccountRemovalViewSet(ExportListMixin, viewsets.ModelViewSet):
    """Cursor-paginated (no count): stays quick at millions of rows. Post `account_number`;
    only its keyed pseudonym is stored."""

    queryset = FraudAccountRemoval.objects.all()
    serializer_class = serializers.FraudAccountRemovalSerializer
    filterset_class = filters.FraudAccountRemovalFilter
    pagination_class = FraudRemovalCursor
    ordering_fields = ["removed_at"]
    # `?search=` and `?pseudonym=` take an account number (or a pseudonym): the number is
    # turned into its pseudonym before anything reads the query (see incidents.pseudonyms).
    search_fields = ["=pseudonym"]
    filter_backends = [
        backend for backend in viewsets.ModelViewSet.filter_backends if backend is not drf_filters.SearchFilter
    ] + [ExactSearchFilter]

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        request.GET = pseudonymise_query(request.GET)
        return super().initialize_request(request, *args, **kwargs)


class ExerciseViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = Exercise.objects.prefetch_related("lessons")
    serializer_class = serializers.ExerciseSerializer
    filterset_class = filters.ExerciseFilter
    search_fields = ["name", "scenario"]
    ordering_fields = ["held_on", "name"]


class LessonViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = Lesson.objects.select_related("exercise")
    serializer_class = serializers.LessonSerializer
    filterset_class = filters.LessonFilter

    @extend_schema(request=serializers.FollowUpRequestSerializer, responses={201: FollowUpActionSerializer})
    @action(detail=True, methods=["post"], url_path="follow-up-actions")
    def follow_up_actions(self, request: Request, pk: str | None = None) -> Response:
        """Raise a follow-up action for this lesson."""
        lesson = self.get_object()
        serializer = serializers.FollowUpRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        created = services.raise_action(lesson, data["title"], data["owner"], data["due_date"], data["description"])
        return Response(FollowUpActionSerializer(created).data, status=status.HTTP_201_CREATED)


class ImportBatchViewSet(ExportListMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ImportBatch.objects.select_related("imported_by")
    serializer_class = serializers.ImportBatchSerializer
    filterset_class = filters.ImportBatchFilter
    ordering_fields = ["imported_at"]


class SocDetectionView(APIView):
    """The SOC supplier posts a detection; one incident per supplier reference, in triage."""

    permission_classes = [IsSocSupplier]

    @extend_schema(
        request=serializers.DetectionSerializer,
        responses={
            201: OpenApiResponse(serializers.DetectionResponseSerializer, description="Incident aangemaakt"),
            200: OpenApiResponse(serializers.DetectionResponseSerializer, description="Kenmerk al bekend"),
            400: OpenApiResponse(description="De velden die niet kloppen"),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = serializers.DetectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        detection = services.Detection(**{**data, "services": tuple(data.get("services", ()))})
        incident, created = services.intake_detection(detection, request.user)
        return Response(
            serializers.DetectionResponseSerializer(incident).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def _year(request: Request) -> int:
    try:
        year = int(request.query_params.get("year", timezone.localdate().year))
    except ValueError:
        raise ValidationError({"year": ["Ongeldig jaar"]}) from None
    if not 1990 <= year <= 2100:
        raise ValidationError({"year": ["Ongeldig jaar"]})
    return year


YEAR_PARAMETER = OpenApiParameter("year", OpenApiTypes.INT, description="Jaar (standaard: dit jaar)")


class MonthlyStatsView(APIView):
    """Per month of a year: incidents per category, handled, calamities, DDoS, takedowns,
    investigations and fraud removals."""

    permission_classes = [CanViewIncidents]

    @extend_schema(parameters=[YEAR_PARAMETER], responses=serializers.MonthlyStatsResponseSerializer)
    def get(self, request: Request) -> Response:
        year = _year(request)
        return Response({"year": year, "months": stats.monthly_counts(year)})


class AnnualFiguresView(APIView):
    """The incidents figures of the annual report for a year."""

    permission_classes = [CanViewIncidents]

    @extend_schema(parameters=[YEAR_PARAMETER], responses=serializers.AnnualFiguresSerializer)
    def get(self, request: Request) -> Response:
        year = _year(request)
        return Response({"year": year, **stats.annual_figures(year)})
