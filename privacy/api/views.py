from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.access import notify_access
from core.api.export import ExportListMixin

from .. import breaches, dpias, exports, filters, scoring, workshops
from ..models import (
    DPIA,
    Answer,
    Category,
    DataBreach,
    DPIARisk,
    DPIATransition,
    Processor,
    Purpose,
    Question,
    Questionnaire,
    Registration,
    SelfAssessment,
    Transfer,
    WorkshopSeries,
    WorkshopSession,
)
from . import serializers
from .serializers import as_drf_error

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
FILE_RESPONSE = {(200, "application/octet-stream"): OpenApiTypes.BINARY}


def table_response(
    request: Any, rows: Any, columns: Any, title: str, fmt: str, name: str, register: dict[str, str]
) -> Any:
    """A register (processing activities, breaches) as XLSX, or else CSV, logged as a download."""
    content = exports.write_xlsx(rows, columns, title) if fmt == "xlsx" else exports.write_csv(rows, columns)
    return file_response(request, content, fmt, name, **register)


class FileRenderer(BaseRenderer):
    """Lets file downloads through whatever the client accepts."""

    media_type = "*/*"
    format = "file"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        return data


def file_response(request: Request, content: bytes, fmt: str, filename: str, **details: Any) -> HttpResponse:
    """The file as an attachment; the access log records who took it (name, filters, object)."""
    filters = {key: value for key, value in request.query_params.items() if key != "format"}
    notify_access(request.user, "export", format=fmt, filters=filters, **details)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def run(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a domain function; its ValidationError becomes a 400 with the clear message."""
    try:
        return func(*args, **kwargs)
    except DjangoValidationError as exc:
        raise as_drf_error(exc) from exc


class CategoryViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = Category.objects.all()
    serializer_class = serializers.CategorySerializer
    filterset_class = filters.CategoryFilter
    search_fields = ["name"]


class ProcessingActivityViewSet(ExportListMixin, viewsets.ModelViewSet):
    """The Art. 30 register."""

    queryset = exports.register_queryset()
    serializer_class = serializers.ProcessingActivitySerializer
    filterset_class = filters.ProcessingActivityFilter
    search_fields = ["code", "name", "description"]
    ordering_fields = ["code", "name", "registered_on", "next_review_on"]

    @extend_schema(
        responses=FILE_RESPONSE,
        parameters=[OpenApiParameter("fmt", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["csv", "xlsx", "pdf"])],
    )
    @action(detail=False, url_path=r"export/(?P<fmt>csv|xlsx|pdf)", renderer_classes=[FileRenderer])
    def export(self, request: Request, fmt: str) -> HttpResponse:
        """The whole register (filters apply) in Dutch: CSV, XLSX or PDF."""
        activities = self.filter_queryset(self.get_queryset())
        name = f"verwerkingsregister-{timezone.localdate():%Y%m%d}"
        register = {"name": "privacy.processing_register", "model": "privacy.processingactivity"}
        if fmt == "pdf":
            return file_response(request, exports.register_pdf(activities), fmt, name, **register)
        return table_response(request, activities, exports.REGISTER_COLUMNS, "Verwerkingsregister", fmt, name, register)


class PurposeViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = Purpose.objects.all()
    serializer_class = serializers.PurposeSerializer
    filterset_class = filters.PurposeFilter


class ProcessorViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = Processor.objects.all()
    serializer_class = serializers.ProcessorSerializer
    filterset_class = filters.ProcessorFilter
    search_fields = ["name"]


class TransferViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = Transfer.objects.all()
    serializer_class = serializers.TransferSerializer
    filterset_class = filters.TransferFilter


class QuestionnaireViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = Questionnaire.objects.all()
    serializer_class = serializers.QuestionnaireSerializer
    filterset_class = filters.QuestionnaireFilter


class QuestionViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = Question.objects.all()
    serializer_class = serializers.QuestionSerializer
    filterset_class = filters.QuestionFilter


class SelfAssessmentViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = SelfAssessment.objects.all()
    serializer_class = serializers.SelfAssessmentSerializer
    filterset_class = filters.SelfAssessmentFilter
    ordering_fields = ["started_on", "completed_on"]

    @extend_schema(request=serializers.CompleteAssessmentSerializer, responses=serializers.SelfAssessmentSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        """Score the answers and mark the assessment completed; the outcome says why."""
        assessment = self.get_object()
        data = serializers.CompleteAssessmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        on = data.validated_data.get("completed_on") or timezone.localdate()
        run(scoring.complete, assessment, on, actor=request.user)
        return Response(serializers.SelfAssessmentSerializer(assessment).data)


class AnswerViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = Answer.objects.select_related("question")
    serializer_class = serializers.AnswerSerializer
    filterset_class = filters.AnswerFilter


class DPIAViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = DPIA.objects.prefetch_related("risks")
    serializer_class = serializers.DPIASerializer
    filterset_class = filters.DPIAFilter
    search_fields = ["title"]
    ordering_fields = ["created_at", "decided_on", "review_on"]

    def _respond(self, dpia: DPIA) -> Response:
        dpia = self.get_queryset().get(pk=dpia.pk)
        return Response(serializers.DPIASerializer(dpia).data)

    @extend_schema(request=serializers.DPIAMoveSerializer, responses=serializers.DPIASerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        """Send a draft for review, or a review back to draft."""
        data = serializers.DPIAMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(
            run(dpias.move, self.get_object(), data.validated_data["to"], request.user, data.validated_data["note"])
        )

    @extend_schema(request=serializers.DPIAAdviceSerializer, responses=serializers.DPIASerializer)
    @action(detail=True, methods=["post"])
    def advice(self, request: Request, pk: str | None = None) -> Response:
        """Record the DPO's (FG) advice on a DPIA in review."""
        data = serializers.DPIAAdviceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        return self._respond(
            run(dpias.record_dpo_advice, self.get_object(), values["advice"], request.user, values.get("on"))
        )

    @extend_schema(request=serializers.DPIADecisionSerializer, responses=serializers.DPIASerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """The decision; refused without the DPO's advice."""
        data = serializers.DPIADecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        dpia = run(dpias.decide, self.get_object(), values["decision"], request.user, values.get("on"), values["notes"])
        return self._respond(dpia)

    @extend_schema(responses=FILE_RESPONSE)
    @action(detail=True, renderer_classes=[FileRenderer])
    def pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The DPIA as PDF: all 17 sections, the risks and matrix, the advice and the decision."""
        dpia = self.get_object()
        return file_response(
            request, exports.dpia_pdf(dpia), "pdf", f"dpia-{dpia.pk}", name="privacy.dpia", object=dpia
        )


class DPIARiskViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = DPIARisk.objects.all()
    serializer_class = serializers.DPIARiskSerializer
    filterset_class = filters.DPIARiskFilter


class DPIATransitionViewSet(ExportListMixin, viewsets.ReadOnlyModelViewSet):
    """Who moved which DPIA when (written by the workflow only)."""

    queryset = DPIATransition.objects.select_related("by")
    serializer_class = serializers.DPIATransitionSerializer
    filterset_class = filters.DPIATransitionFilter


class DataBreachViewSet(ExportListMixin, viewsets.ModelViewSet):
    """The register of every data breach, reported or not, with its Art. 33 clock."""

    queryset = DataBreach.objects.prefetch_related("data_categories", "activities")
    serializer_class = serializers.DataBreachSerializer
    filterset_class = filters.DataBreachFilter
    search_fields = ["reference", "title", "incident__reference", "ap_reference"]
    ordering_fields = ["aware_at", "reported_to_ap_at"]

    def perform_create(self, serializer: Any) -> None:
        serializer.save(recorded_by=self.request.user)

    def _respond(self, breach: DataBreach) -> Response:
        return Response(serializers.DataBreachSerializer(self.get_queryset().get(pk=breach.pk)).data)

    @extend_schema(request=serializers.BreachReportSerializer, responses=serializers.DataBreachSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk: str | None = None) -> Response:
        """Record the notification to the AP (after 72 hours a reason for the delay is required)."""
        data = serializers.BreachReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        breach = run(
            breaches.report_to_ap,
            self.get_object(),
            v["reported_to_ap_at"],
            v["ap_reference"],
            request.user,
            v["late_reason"],
        )
        return self._respond(breach)

    @extend_schema(request=serializers.BreachNotReportedSerializer, responses=serializers.DataBreachSerializer)
    @action(detail=True, methods=["post"], url_path="not-reported")
    def not_reported(self, request: Request, pk: str | None = None) -> Response:
        """Record the decision not to notify the AP, with its reasons."""
        data = serializers.BreachNotReportedSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._respond(
            run(breaches.decide_not_to_report, self.get_object(), data.validated_data["reasons"], request.user)
        )

    @extend_schema(request=serializers.BreachCorrectionSerializer, responses=serializers.DataBreachSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str | None = None) -> Response:
        """Correct the moment of becoming aware or of the report after the report to the AP,
        with a reason (logged as an event and in the history); the only way to change them."""
        if not request.user.has_perm("privacy.change_databreach"):
            return Response(status=status.HTTP_403_FORBIDDEN)
        data = serializers.BreachCorrectionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        breach = run(
            breaches.correct_reported_facts,
            self.get_object(),
            v["reason"],
            request.user,
            aware_at=v.get("aware_at"),
            reported_to_ap_at=v.get("reported_to_ap_at"),
            late_reason=v.get("late_reason"),
        )
        return self._respond(breach)

    @extend_schema(
        responses=FILE_RESPONSE,
        parameters=[OpenApiParameter("fmt", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["csv", "xlsx"])],
    )
    @action(detail=False, url_path=r"export/(?P<fmt>csv|xlsx)", renderer_classes=[FileRenderer])
    def export(self, request: Request, fmt: str) -> HttpResponse:
        """The breach register (filters apply) as CSV or XLSX."""
        rows = self.filter_queryset(exports.breach_queryset())
        name = f"datalekkenregister-{timezone.localdate():%Y%m%d}"
        register = {"name": "privacy.breach_register", "model": "privacy.databreach"}
        return table_response(request, rows, exports.BREACH_COLUMNS, "Datalekken", fmt, name, register)


class WorkshopSeriesViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = WorkshopSeries.objects.all()
    serializer_class = serializers.WorkshopSeriesSerializer
    filterset_class = filters.WorkshopSeriesFilter
    search_fields = ["name"]


class WorkshopSessionViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = WorkshopSession.objects.select_related("series").with_seats()
    serializer_class = serializers.WorkshopSessionSerializer
    filterset_class = filters.WorkshopSessionFilter
    ordering_fields = ["starts_at"]

    def perform_update(self, serializer: Any) -> None:
        before = {f: getattr(serializer.instance, f) for f in workshops.CALENDAR_FIELDS}
        session = serializer.save()
        changed = {f for f, value in before.items() if getattr(session, f) != value}
        workshops.session_changed(session, changed, actor=self.request.user)


def sees_all_registrations(user: Any) -> bool:
    return user.has_perm("privacy.view_all_registrations")


class RegistrationViewSet(
    ExportListMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Registrations. Employees see and make only their own; DELETE cancels (the record
    stays, the first on the waiting list moves up)."""

    queryset = Registration.objects.select_related("user", "session")
    serializer_class = serializers.RegistrationSerializer
    filterset_class = filters.RegistrationFilter
    ordering_fields = ["registered_at"]

    def get_queryset(self) -> QuerySet[Registration]:
        queryset = super().get_queryset()
        if sees_all_registrations(self.request.user):
            return queryset
        return queryset.filter(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        user = values.get("user") or request.user
        if user != request.user and not request.user.has_perm("privacy.change_registration"):
            return Response({"user": [gettext("Alleen uzelf inschrijven")]}, status=403)
        at = values.get("registered_at")
        if at is not None and not request.user.has_perm("privacy.change_registration"):
            return Response(
                {"registered_at": [gettext("Alleen wie inschrijvingen beheert, legt een eerder moment vast")]},
                status=403,
            )
        func = workshops.join_waiting_list if values["waiting_list"] else workshops.register
        registration = run(func, values["session"], user, actor=request.user, at=at, late_reason=values["late_reason"])
        return Response(self.get_serializer(registration).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Registration) -> None:
        run(workshops.cancel, instance, actor=self.request.user)

    @extend_schema(request=serializers.AttendanceSerializer, responses=serializers.RegistrationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def attendance(self, request: Request, pk: str | None = None) -> Response:
        """Mark attended / absent / excused (the workshop coordinator)."""
        if not request.user.has_perm("privacy.change_registration"):
            return Response({"detail": gettext("Geen toegang")}, status=403)
        registration = self.get_object()
        data = serializers.AttendanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run(
            workshops.mark_attendance,
            Registration.objects.filter(pk=registration.pk),
            data.validated_data["attendance"],
            request.user,
        )
        registration.refresh_from_db()
        return Response(self.get_serializer(registration).data)


class CanSeeAllRegistrations(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and sees_all_registrations(request.user))


class WorkshopCompletionView(APIView):
    """Workshop duty per department: people, onboarding and AVG overdue, share complete."""

    permission_classes = [CanSeeAllRegistrations]

    @extend_schema(responses=serializers.CompletionSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(serializers.CompletionSerializer(workshops.completion_per_department(), many=True).data)


class WorkshopOverdueView(APIView):
    """Everyone whose onboarding or yearly AVG workshop is overdue."""

    permission_classes = [CanSeeAllRegistrations]

    @extend_schema(responses=serializers.DutySerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(serializers.DutySerializer(workshops.overdue(), many=True).data)
