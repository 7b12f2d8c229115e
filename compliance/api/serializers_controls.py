"""Serializers of frameworks, controls, checks, evidence, policies and reminders."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from compliance.models import (
    Applicability,
    CheckStatus,
    Control,
    ControlCheck,
    ControlState,
    Evidence,
    Framework,
    Policy,
    Requirement,
)
from compliance.models.controls import CONTROL_FIELDS, RETIRE_ONLY_MESSAGE


class FrameworkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Framework
        fields = [
            "id",
            "urn",
            "ref_id",
            "name",
            "name_nl",
            "description",
            "description_nl",
            "version",
            "provider",
            "locale",
            "implementation_groups",
            "imported_at",
        ]


class FrameworkImportSerializer(serializers.Serializer):
    file = serializers.FileField()


class FrameworkImportReportSerializer(serializers.Serializer):
    framework = serializers.IntegerField()
    created = serializers.BooleanField()
    added = serializers.ListField(child=serializers.CharField())
    changed = serializers.ListField(child=serializers.CharField())
    removed = serializers.ListField(child=serializers.CharField())
    summary = serializers.CharField()


class SoaRowSerializer(serializers.Serializer):
    ref_id = serializers.CharField()
    title = serializers.CharField()
    applicable = serializers.BooleanField()
    justification = serializers.CharField()
    controls = serializers.ListField(child=serializers.CharField())
    coverage = serializers.ChoiceField(choices=["covered", "not_applicable", "not_covered"])


class RequirementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Requirement
        fields = [
            "id",
            "framework",
            "urn",
            "parent",
            "ref_id",
            "name",
            "name_nl",
            "description",
            "description_nl",
            "assessable",
            "depth",
            "position",
            "implementation_groups",
        ]


class ApplicabilitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Applicability
        fields = ["id", "requirement", "applicable", "justification"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        applicable = attrs.get("applicable", getattr(self.instance, "applicable", True))
        justification = attrs.get("justification", getattr(self.instance, "justification", ""))
        if not applicable and not justification.strip():
            raise serializers.ValidationError({"justification": "Onderbouwing verplicht bij niet van toepassing"})
        return attrs


class ControlSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()

    class Meta:
        model = Control
        fields = ["id", *CONTROL_FIELDS, "retired_on", "retired_reason", "state"]
        read_only_fields = ["retired_on", "retired_reason"]

    def validate_active(self, value: bool) -> bool:
        if self.instance is not None and self.instance.active and not value:
            raise serializers.ValidationError(RETIRE_ONLY_MESSAGE)
        return value

    @extend_schema_field(serializers.ChoiceField(choices=ControlState.choices))
    def get_state(self, obj: Control) -> str:
        """Annotated on lists; read once for a single control just written."""
        state = getattr(obj, "state", None)
        return state or Control.objects.with_state().values_list("state", flat=True).get(pk=obj.pk)


class ControlCheckSerializer(serializers.ModelSerializer):
    control_code = serializers.CharField(source="control.code", read_only=True)
    overdue = serializers.SerializerMethodField()
    accepted_on_time = serializers.BooleanField(read_only=True)

    class Meta:
        model = ControlCheck
        fields = [
            "id",
            "control",
            "control_code",
            "period_start",
            "period_end",
            "due_date",
            "status",
            "result",
            "conclusion",
            "owner",
            "evidence_owner",
            "test_method",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "overdue",
            "accepted_on_time",
        ]
        read_only_fields = [
            "control",
            "period_start",
            "period_end",
            "status",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_note",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Refuse, naming the field, what the workflow owns: after submission the result and
        conclusion are the submitter's; the review note is written by accept and reject."""
        from ..models.controls import FROZEN_MESSAGE, REVIEW_ONLY_MESSAGE

        check = self.instance
        errors: dict[str, Any] = {}
        if check is not None and check.status not in (CheckStatus.OPEN, CheckStatus.REJECTED):
            for name in ("result", "conclusion"):
                if name in attrs and attrs[name] != getattr(check, name):
                    errors[name] = str(FROZEN_MESSAGE)
        sent = getattr(self, "initial_data", None) or {}
        if "review_note" in sent and str(sent["review_note"]) != getattr(check, "review_note", ""):
            errors["review_note"] = str(REVIEW_ONLY_MESSAGE)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def get_overdue(self, obj: ControlCheck) -> bool:
        return bool(getattr(obj, "overdue_now", obj.is_overdue))

    def validate_due_date(self, value: Any) -> Any:
        check = self.instance
        if check is not None and not check.period_start <= value <= check.period_end:
            raise serializers.ValidationError("De uiterste datum moet binnen de periode vallen")
        return value


class SubmitSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=ControlCheck._meta.get_field("result").choices)
    conclusion = serializers.CharField()


class AcceptSerializer(serializers.Serializer):
    result = serializers.ChoiceField(
        choices=ControlCheck._meta.get_field("result").choices,
        required=False,
        allow_blank=True,
        help_text="Optioneel; moet gelijk zijn aan het ingediende resultaat (anders: afkeuren met een reden).",
    )
    note = serializers.CharField(required=False, allow_blank=True, help_text="De eigen toelichting van de beoordelaar.")
    at = serializers.DateTimeField(
        required=False, help_text="Wanneer de beoordeling plaatsvond (standaard nu; niet in de toekomst)."
    )
    late_reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Verplicht als `at` meer dan een dag geleden is."
    )


class RejectSerializer(serializers.Serializer):
    note = serializers.CharField(help_text="De reden van afkeuren (de eigen toelichting van de beoordelaar).")
    at = serializers.DateTimeField(
        required=False, help_text="Wanneer de beoordeling plaatsvond (standaard nu; niet in de toekomst)."
    )
    late_reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Verplicht als `at` meer dan een dag geleden is."
    )


class RetireControlSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Waarom de maatregel buiten gebruik gaat.")
    on = serializers.DateField(required=False, help_text="Per welke datum (standaard vandaag; niet in de toekomst).")


class EvidenceSerializer(serializers.ModelSerializer):
    check = serializers.PrimaryKeyRelatedField(source="check_obj", queryset=ControlCheck.objects.all())
    upload = serializers.FileField(write_only=True, required=False)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "check",
            "kind",
            "upload",
            "original_name",
            "mime_type",
            "size",
            "sha256",
            "url",
            "note",
            "version",
            "supersedes",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = [
            "kind",
            "original_name",
            "mime_type",
            "size",
            "sha256",
            "version",
            "uploaded_by",
            "uploaded_at",
        ]

    def get_download_url(self, obj: Evidence) -> str | None:
        return obj.get_absolute_url() if obj.file else None


class PolicySerializer(serializers.ModelSerializer):
    upload = serializers.FileField(write_only=True, required=False)
    document_url = serializers.SerializerMethodField()

    class Meta:
        model = Policy
        fields = [
            "id",
            "title",
            "owner",
            "upload",
            "document_name",
            "document_sha256",
            "document_url",
            "link",
            "review_cycle_months",
            "last_reviewed",
            "next_review",
            "requirements",
            "active",
        ]
        read_only_fields = ["document_name", "document_sha256"]

    def get_document_url(self, obj: Policy) -> str | None:
        from django.urls import reverse

        return reverse("policy-document", args=[obj.pk]) if obj.document else None


class PolicyReviewedSerializer(serializers.Serializer):
    on = serializers.DateField(required=False)
