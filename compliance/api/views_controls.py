"""API of frameworks, controls, checks, evidence, policies and reminders. Thin: every
write goes through the domain functions, which enforce the rules (four eyes,
read-only accepted checks, the evidence allow-list)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from compliance import dossier, filters
from compliance.api import serializers_controls as s
from compliance.controls import accept_check, reject_check, retire_control, submit_check
from compliance.coverage import soa_csv, soa_rows, soa_xlsx
from compliance.evidence import add_evidence, attach_document
from compliance.frameworks import FrameworkImportError, import_framework
from compliance.models import Applicability, Control, ControlCheck, Evidence, Framework, Policy, Requirement
from core.access import notify_access
from core.api.export import ExportListMixin
from core.api.versioning import for_version


def _domain(func: Callable[[], Any]) -> Any:
    """Run a domain function; its ValidationError becomes a 400 (PermissionDenied a 403)."""
    try:
        return func()
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        raise serializers.ValidationError(detail) from exc


class FrameworkViewSet(ExportListMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Framework.objects.all()
    serializer_class = s.FrameworkSerializer
    filterset_class = filters.FrameworkFilter
    search_fields = ["ref_id", "name", "name_nl"]

    @extend_schema(
        request={"multipart/form-data": s.FrameworkImportSerializer}, responses=s.FrameworkImportReportSerializer
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request: Request) -> Response:
        """Import or update a framework from framework-library YAML (all or nothing)."""
        upload = s.FrameworkImportSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            report = import_framework(upload.validated_data["file"])
        except FrameworkImportError as exc:
            return Response({"file": exc.errors}, status=status.HTTP_400_BAD_REQUEST)
        data = {
            "framework": report.framework.pk,
            "created": report.created,
            "added": report.added,
            "changed": report.changed,
            "removed": report.removed,
            "summary": report.summary(),
        }
        return Response(s.FrameworkImportReportSerializer(data).data, status=status.HTTP_200_OK)

    @extend_schema(
        parameters=[OpenApiParameter("export", OpenApiTypes.STR, enum=["json", "csv", "xlsx"])],
        responses=s.SoaRowSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="soa")
    def soa(self, request: Request, pk: str | None = None) -> Any:
        """Statement of applicability: every assessable requirement, its controls, and
        whether it is covered, not applicable (with justification) or not covered."""
        framework = self.get_object()
        if not request.user.has_perm("compliance.view_applicability"):
            return Response(status=status.HTTP_403_FORBIDDEN)
        export = request.query_params.get("export", "json")
        name = f"verklaring-van-toepasselijkheid-{framework.ref_id}"
        if export in ("csv", "xlsx"):
            notify_access(request.user, "export", name="compliance.soa", object=framework, format=export)
        if export == "csv":
            response = HttpResponse(soa_csv(framework), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        if export == "xlsx":
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            response = HttpResponse(soa_xlsx(framework), content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
            return response
        return Response(s.SoaRowSerializer(list(soa_rows(framework)), many=True).data)


class RequirementViewSet(ExportListMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Requirement.objects.all()
    serializer_class = s.RequirementSerializer
    filterset_class = filters.RequirementFilter
    search_fields = ["ref_id", "name", "name_nl", "description", "description_nl"]
    ordering_fields = ["position", "ref_id"]


class ApplicabilityViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = Applicability.objects.all()
    serializer_class = s.ApplicabilitySerializer
    filterset_class = filters.ApplicabilityFilter


DOSSIER_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="Begin van de periode (uiterste datum van de controles)"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Einde van de periode (tot en met)"),
    # not `format`: DRF reads that for content negotiation
    OpenApiParameter("output", OpenApiTypes.STR, enum=list(dossier.FORMATS), description="zip (standaard) of pdf"),
]


class DossierJobSerializer(serializers.Serializer):
    job = serializers.CharField(help_text="URL van de exporttaak")
    files = serializers.IntegerField()


class ControlViewSet(ExportListMixin, viewsets.ModelViewSet):
    serializer_class = s.ControlSerializer
    filterset_class = filters.ControlFilter
    search_fields = ["code", "title", "objective"]
    ordering_fields = ["code", "title", "frequency"]

    def get_queryset(self) -> QuerySet[Control]:
        return Control.objects.with_state().prefetch_related("services", "requirements")

    @extend_schema(request=s.RetireControlSerializer, responses=s.ControlSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request: Request, pk: str | None = None) -> Response:
        """Take the control out of use on `on` (default today) for `reason`: its checks not yet
        submitted that fall due after that date are cancelled (they stay, with the reason)."""
        if not request.user.has_perm("compliance.change_control"):
            return Response({"detail": gettext("Geen toestemming")}, status=status.HTTP_403_FORBIDDEN)
        body = s.RetireControlSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        control = self.get_object()
        data = body.validated_data
        _domain(lambda: retire_control(control, request.user, data["reason"], data.get("on")))
        return Response(self.get_serializer(self.get_queryset().get(pk=control.pk)).data)

    @extend_schema(
        summary="Bewijsdossier van één maatregel",
        operation_id="controls_dossier",
        parameters=DOSSIER_PARAMETERS,
        responses={
            (200, "application/zip"): OpenApiTypes.BINARY,
            (200, "application/pdf"): OpenApiTypes.BINARY,
            202: DossierJobSerializer,
            400: OpenApiTypes.OBJECT,
        },
    )
    @action(detail=True, methods=["get"], url_path="dossier", pagination_class=None, filterset_class=None)
    def dossier(self, request: Request, pk: str | None = None) -> Any:
        """ZIP (or `?output=pdf`: only the summary) of the control's checks due in the period
        (`from`, `to`: ISO dates; default this year until today), with every evidence file and
        a SHA-256 manifest. A large dossier answers 202 with the URL of its export job."""
        return _dossier(request, self.get_object())

    @extend_schema(
        summary="Bewijsdossier van alle maatregelen",
        operation_id="controls_dossier_all",
        parameters=DOSSIER_PARAMETERS,
        responses={
            (200, "application/zip"): OpenApiTypes.BINARY,
            (200, "application/pdf"): OpenApiTypes.BINARY,
            202: DossierJobSerializer,
            400: OpenApiTypes.OBJECT,
        },
    )
    @action(detail=False, methods=["get"], url_path="dossier", pagination_class=None, filterset_class=None)
    def dossier_all(self, request: Request) -> Any:
        """The dossier of every control over the period (see `dossier`)."""
        return _dossier(request, None)


def _dossier(request: Request, control: Control | None) -> Any:
    if not dossier.may_download(request.user):
        return Response(status=status.HTTP_403_FORBIDDEN)
    params = request.query_params
    try:
        start, end = dossier.parse_period(params.get("from"), params.get("to"))
        chosen = dossier.Dossier(control, start, end)
        delivery = dossier.deliver(request.user, chosen, params.get("output", "zip"))
    except dossier.DossierError as error:
        return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
    if delivery.job_url:
        return Response(
            {"job": for_version(request, delivery.job_url), "files": chosen.size()[0]}, status=status.HTTP_202_ACCEPTED
        )
    response = FileResponse(
        delivery.file, as_attachment=True, filename=delivery.filename, content_type=delivery.content_type
    )
    response["X-Dossier-SHA256"] = delivery.sha256
    response["Cache-Control"] = "private, no-store"
    return response


class ControlCheckViewSet(
    ExportListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Checks are created by the rolling horizon; here they are read, assigned, submitted,
    accepted and rejected. Employees see only the checks assigned to them."""

    serializer_class = s.ControlCheckSerializer
    filterset_class = filters.ControlCheckFilter
    search_fields = ["control__code", "control__title", "conclusion"]
    ordering_fields = ["due_date", "period_start", "status"]
    queryset = ControlCheck.objects.all()

    def get_queryset(self) -> QuerySet[ControlCheck]:
        queryset = ControlCheck.objects.select_related("control").with_overdue()
        return queryset.visible_to(self.request.user).order_by("due_date", "pk")

    def get_permissions(self) -> list[Any]:
        if self.action in {"submit", "accept", "reject"}:
            return [IsAuthenticated()]  # the domain function checks the role and the four eyes
        return super().get_permissions()

    def perform_update(self, serializer: Any) -> None:
        if serializer.instance.is_read_only:
            raise serializers.ValidationError("Een geaccepteerde controle is alleen-lezen")
        _domain(serializer.save)

    def _respond(self, check: ControlCheck) -> Response:
        check = self.get_queryset().get(pk=check.pk)
        return Response(self.get_serializer(check).data)

    @extend_schema(request=s.SubmitSerializer, responses=s.ControlCheckSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        body = s.SubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        check = self.get_object()
        data = body.validated_data
        return self._respond(_domain(lambda: submit_check(check, request.user, data["result"], data["conclusion"])))

    @extend_schema(request=s.AcceptSerializer, responses=s.ControlCheckSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        body = s.AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        check = self.get_object()
        data = body.validated_data
        return self._respond(
            _domain(
                lambda: accept_check(
                    check,
                    request.user,
                    data.get("result", ""),
                    data.get("note", ""),
                    at=data.get("at"),
                    late_reason=data["late_reason"],
                )
            )
        )

    @extend_schema(request=s.RejectSerializer, responses=s.ControlCheckSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        body = s.RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        check = self.get_object()
        data = body.validated_data
        return self._respond(
            _domain(
                lambda: reject_check(
                    check, request.user, data["note"], at=data.get("at"), late_reason=data["late_reason"]
                )
            )
        )


class EvidenceViewSet(ExportListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Evidence is append-only: upload a new version with `supersedes`; nothing is changed
    or deleted here. Files are downloaded from `download_url` (permission-checked)."""

    serializer_class = s.EvidenceSerializer
    filterset_class = filters.EvidenceFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    search_fields = ["original_name", "sha256", "note", "url"]
    queryset = Evidence.objects.all()

    def get_queryset(self) -> QuerySet[Evidence]:
        return Evidence.objects.select_related("check_obj").visible_to(self.request.user).order_by("pk")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        check = data["check_obj"]
        if not check.can_view(self.request.user):
            raise serializers.ValidationError({"check": "Onbekende controle"})
        serializer.instance = _domain(
            lambda: add_evidence(
                check,
                self.request.user,
                upload=data.get("upload"),
                url=data.get("url", ""),
                note=data.get("note", ""),
                supersedes=data.get("supersedes"),
            )
        )


class PolicyViewSet(ExportListMixin, viewsets.ModelViewSet):
    queryset = Policy.objects.prefetch_related("requirements")
    serializer_class = s.PolicySerializer
    filterset_class = filters.PolicyFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    search_fields = ["title"]
    ordering_fields = ["title", "next_review"]

    def _save(self, serializer: Any) -> None:
        upload = serializer.validated_data.pop("upload", None)

        def save() -> None:
            policy = serializer.save()
            if upload:
                attach_document(policy, upload)
                policy.save()

        _domain(save)

    def perform_create(self, serializer: Any) -> None:
        if serializer.validated_data.get("upload"):
            from compliance.evidence import check_upload

            _domain(lambda: check_upload(serializer.validated_data["upload"]))
        self._save(serializer)

    def perform_update(self, serializer: Any) -> None:
        self.perform_create(serializer)

    @extend_schema(request=s.PolicyReviewedSerializer, responses=s.PolicySerializer)
    @action(detail=True, methods=["post"])
    def reviewed(self, request: Request, pk: str | None = None) -> Response:
        """Record a review (today unless `on` is given); the next review follows the cycle."""
        if not request.user.has_perm("compliance.change_policy"):
            return Response(status=status.HTTP_403_FORBIDDEN)
        body = s.PolicyReviewedSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        policy = self.get_object()
        policy.mark_reviewed(body.validated_data.get("on"))
        return Response(self.get_serializer(policy).data)
