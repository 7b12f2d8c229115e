from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from rest_framework import serializers

from ..models import (
    DPIA,
    Answer,
    Category,
    DataBreach,
    DPIARisk,
    DPIATransition,
    ProcessingActivity,
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
from ..models.dpia import SECTIONS
from ..models.register import REGISTER_FIELDS


def as_drf_error(exc: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(
            {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        )
    return serializers.ValidationError({"detail": exc.messages})


class CleanModelSerializer(serializers.ModelSerializer):
    """Runs the model's clean() so the API refuses what the admin refuses."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        model = self.Meta.model  # type: ignore[attr-defined]
        concrete = {k: v for k, v in attrs.items() if not isinstance(v, list)}
        instance = model(**concrete) if self.instance is None else self.instance
        if self.instance is not None:
            for key, value in concrete.items():
                setattr(instance, key, value)
        try:
            instance.clean()
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return attrs


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "kind", "name"]


class PurposeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Purpose
        fields = ["id", "activity", "description", "legal_basis", "legal_basis_detail"]


class ProcessorSerializer(CleanModelSerializer):
    class Meta:
        model = Processor
        fields = ["id", "activity", "name", "service_description", "agreement_signed_on", "agreement_ends_on"]


class TransferSerializer(serializers.ModelSerializer):
    class Meta:
        model = Transfer
        fields = ["id", "activity", "country", "recipient", "safeguard", "safeguard_detail"]


class ProcessingActivitySerializer(CleanModelSerializer):
    purposes = PurposeSerializer(many=True, read_only=True)
    special_categories = serializers.ListField(child=serializers.CharField(), read_only=True)
    dpia_required = serializers.BooleanField(read_only=True)
    screening_reasons = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ProcessingActivity
        fields = ["id", *REGISTER_FIELDS, "purposes", "special_categories", "dpia_required", "screening_reasons"]


class QuestionnaireSerializer(serializers.ModelSerializer):
    class Meta:
        model = Questionnaire
        fields = ["id", "slug", "name", "description", "wp248_threshold", "score_threshold", "active"]


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["id", "questionnaire", "number", "text", "help_text", "answer_type", "weight", "criterion"]


class SelfAssessmentSerializer(CleanModelSerializer):
    class Meta:
        model = SelfAssessment
        fields = [
            "id",
            "questionnaire",
            "activity",
            "service",
            "assessor",
            "started_on",
            "completed_on",
            "score",
            "dpia_required",
            "reasons",
            "notes",
            "previous",
        ]
        read_only_fields = ["completed_on"]


class CompleteAssessmentSerializer(serializers.Serializer):
    completed_on = serializers.DateField(required=False)


class AnswerSerializer(CleanModelSerializer):
    class Meta:
        model = Answer
        fields = ["id", "assessment", "question", "value", "text"]


class DPIARiskSerializer(serializers.ModelSerializer):
    score = serializers.IntegerField(read_only=True)
    residual_score = serializers.IntegerField(read_only=True)
    residual_high = serializers.BooleanField(read_only=True)

    class Meta:
        model = DPIARisk
        fields = [
            "id",
            "dpia",
            "description",
            "likelihood",
            "impact",
            "score",
            "measures",
            "residual_likelihood",
            "residual_impact",
            "residual_score",
            "residual_high",
        ]


class DPIATransitionSerializer(serializers.ModelSerializer):
    by_username = serializers.CharField(source="by.username", default=None, read_only=True)

    class Meta:
        model = DPIATransition
        fields = ["id", "dpia", "from_status", "to_status", "by", "by_username", "at", "note"]


class DPIASerializer(serializers.ModelSerializer):
    prior_consultation_required = serializers.SerializerMethodField()

    class Meta:
        model = DPIA
        fields = [
            "id",
            "activity",
            "title",
            "owner",
            "status",
            *[name for name, _label, _part in SECTIONS],
            "dpo_advice",
            "dpo_advice_on",
            "dpo_advice_by",
            "decision",
            "decision_notes",
            "decided_on",
            "decided_by",
            "prior_consultation_required",
            "prior_consultation_on",
            "review_on",
            "created_at",
        ]

    def get_prior_consultation_required(self, obj: DPIA) -> bool:
        return obj.prior_consultation_required


class DPIAMoveSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[DPIA.Status.DRAFT, DPIA.Status.IN_REVIEW])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DPIAAdviceSerializer(serializers.Serializer):
    advice = serializers.CharField()
    on = serializers.DateField(required=False)


class DPIADecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=DPIA.Decision.choices)
    on = serializers.DateField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class DataBreachSerializer(CleanModelSerializer):
    deadline = serializers.DateTimeField(read_only=True)
    seconds_remaining = serializers.SerializerMethodField()
    clock_running = serializers.BooleanField(read_only=True)
    reported_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = DataBreach
        fields = "__all__"
        read_only_fields = ["recorded_by"]

    def get_seconds_remaining(self, obj: DataBreach) -> int | None:
        return obj.seconds_remaining(timezone.now())


class BreachReportSerializer(serializers.Serializer):
    reported_to_ap_at = serializers.DateTimeField()
    ap_reference = serializers.CharField(max_length=60)
    late_reason = serializers.CharField(required=False, allow_blank=True, default="")


class BreachNotReportedSerializer(serializers.Serializer):
    reasons = serializers.CharField()


class BreachCorrectionSerializer(serializers.Serializer):
    """A correction of the reported facts: at least one of the two moments, and the reason."""

    aware_at = serializers.DateTimeField(required=False)
    reported_to_ap_at = serializers.DateTimeField(required=False)
    late_reason = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField()


class WorkshopSeriesSerializer(CleanModelSerializer):
    feed_url = serializers.SerializerMethodField()

    class Meta:
        model = WorkshopSeries
        fields = [
            "id",
            "name",
            "slug",
            "kind",
            "description",
            "first_start",
            "recurrence",
            "duration_minutes",
            "location",
            "capacity",
            "waiting_list",
            "organizer",
            "active",
            "feed_url",
        ]

    def get_feed_url(self, obj: WorkshopSeries) -> str:
        request = self.context.get("request")
        url = obj.feed_url()
        return request.build_absolute_uri(url) if request else url


class WorkshopSessionSerializer(serializers.ModelSerializer):
    series_name = serializers.CharField(source="series.name", read_only=True)
    kind = serializers.CharField(source="series.kind", read_only=True)
    registered = serializers.IntegerField(source="registered_count", read_only=True, default=None)
    waiting = serializers.IntegerField(source="waiting_count", read_only=True, default=None)
    seats_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = WorkshopSession
        fields = [
            "id",
            "series",
            "series_name",
            "kind",
            "starts_at",
            "ends_at",
            "location",
            "capacity",
            "cancelled",
            "registered",
            "waiting",
            "seats_left",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        probe = WorkshopSession(
            starts_at=attrs.get("starts_at", getattr(self.instance, "starts_at", None)),
            ends_at=attrs.get("ends_at", getattr(self.instance, "ends_at", None)),
        )
        try:
            probe.clean()
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from exc
        return attrs


class RegistrationSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    waiting_list = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="Op de wachtlijst als de sessie vol is"
    )
    registered_at = serializers.DateTimeField(
        required=False,
        help_text="Wanneer de inschrijving plaatsvond (standaard nu; niet in de toekomst; alleen wie inschrijvingen"
        " beheert).",
    )
    late_reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        default="",
        help_text="Verplicht als het moment meer dan een dag geleden is.",
    )

    class Meta:
        model = Registration
        fields = [
            "id",
            "session",
            "user",
            "username",
            "status",
            "attendance",
            "registered_at",
            "cancelled_at",
            "waiting_list",
            "late_reason",
        ]
        read_only_fields = ["attendance"]
        extra_kwargs = {"user": {"required": False}}
        validators: list = []  # the domain function gives the clear message for a second registration


class AttendanceSerializer(serializers.Serializer):
    attendance = serializers.ChoiceField(choices=[c for c in Registration.Attendance.choices if c[0]])


class CompletionSerializer(serializers.Serializer):
    department = serializers.CharField()
    people = serializers.IntegerField()
    onboarding_overdue = serializers.IntegerField()
    avg_overdue = serializers.IntegerField()
    complete = serializers.IntegerField()
    percentage = serializers.FloatField()


class DutySerializer(serializers.Serializer):
    username = serializers.CharField(source="person.user.username")
    name = serializers.CharField(source="person.__str__")
    department = serializers.CharField(source="person.department.name")
    start_date = serializers.DateField(source="person.start_date")
    onboarding_due = serializers.DateField()
    onboarding_done_on = serializers.DateField(allow_null=True)
    onboarding_overdue = serializers.BooleanField()
    onboarding_exempt = serializers.BooleanField()
    avg_last_on = serializers.DateField(allow_null=True)
    avg_due = serializers.DateField()
    avg_overdue = serializers.BooleanField()
