from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from organisation.models import Service

from ..choices import CalamityLevel, Category, Severity
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
from ..normalise import normalise_url
from ..pseudonyms import pseudonymise_account
from ..workflow import allowed_next


def _run_clean(instance: Any) -> None:
    """Model.clean() is the one place for cross-field rules; report its errors as a 400."""
    try:
        instance.clean()
    except DjangoValidationError as error:
        raise serializers.ValidationError(
            error.message_dict if hasattr(error, "error_dict") else error.messages
        ) from None


def _probe(serializer: serializers.ModelSerializer, attrs: dict[str, Any]) -> Any:
    """The instance as it would be after this request, without saving it."""
    model = serializer.Meta.model
    probe = copy.copy(serializer.instance) if serializer.instance else model()
    many_to_many = {f.name for f in model._meta.many_to_many}
    for name, value in attrs.items():
        if name not in many_to_many:
            setattr(probe, name, value)
    return probe


# Moments that a status transition sets (Incident._stamp_status); never taken from input.
TRANSITION_STAMPS = ("resolved_at", "closed_at", "status_changed_at")


def _refuse_transition_stamps(serializer: serializers.ModelSerializer) -> None:
    """A request that sets a transition's moment is refused with a 400 naming the field
    (sending back the stored value unchanged, as a client that PUTs what it read does, is fine)."""
    sent = getattr(serializer, "initial_data", None) or {}
    errors: dict[str, Any] = {}
    for name in TRANSITION_STAMPS:
        if name not in sent:
            continue
        value = sent[name]
        current = getattr(serializer.instance, name, None) if serializer.instance is not None else None
        if value in (None, "") and current is None:
            continue
        if value not in (None, "") and current is not None:
            try:
                if serializers.DateTimeField().to_internal_value(value) == current:
                    continue
            except (serializers.ValidationError, TypeError, ValueError):
                pass
        errors[name] = _("Dit tijdstip zet de statuswijziging zelf; het kan niet worden ingevoerd.")
    if errors:
        raise serializers.ValidationError(errors)


class CalamitySerializer(serializers.ModelSerializer):
    declared_by_username = serializers.CharField(source="declared_by.username", read_only=True)
    incident_reference = serializers.CharField(source="incident.reference", read_only=True)

    class Meta:
        model = Calamity
        fields = [
            "id",
            "incident",
            "incident_reference",
            "level",
            "declared_at",
            "declared_by",
            "declared_by_username",
            "reason",
        ]
        read_only_fields = fields


class IncidentSerializer(serializers.ModelSerializer):
    services = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Service.objects.all(), required=False
    )
    owner_username = serializers.CharField(source="owner.username", read_only=True, default=None)
    calamity = CalamitySerializer(read_only=True)
    escalation_proposed = serializers.BooleanField(read_only=True)
    escalation_reasons = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()
    actual_duration_minutes = serializers.SerializerMethodField(help_text="Tot het oplossen, of tot nu.")

    class Meta:
        model = Incident
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "category",
            "severity",
            "detection_source",
            "status",
            "allowed_transitions",
            "services",
            "owner",
            "owner_username",
            "supplier_reference",
            "started_at",
            "detected_at",
            "resolved_at",
            "closed_at",
            "expected_duration_minutes",
            "actual_duration_minutes",
            "citizens_affected",
            "businesses_affected",
            "status_changed_at",
            "created_at",
            "calamity",
            "escalation_proposed",
            "escalation_reasons",
        ]
        read_only_fields = ["reference", "resolved_at", "closed_at", "status_changed_at", "created_at"]

    def get_escalation_reasons(self, obj: Incident) -> list[str]:
        return obj.escalation_reasons()

    def get_actual_duration_minutes(self, obj: Incident) -> int:
        return obj.actual_duration_minutes()

    def get_allowed_transitions(self, obj: Incident) -> list[str]:
        return allowed_next(obj.status)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _refuse_transition_stamps(self)
        _run_clean(_probe(self, {k: v for k, v in attrs.items() if k != "services"}))
        return attrs

    def _save(self, instance: Incident, validated_data: dict[str, Any]) -> Incident:
        services = validated_data.pop("services", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.changed_by = self.context["request"].user
        with transaction.atomic():
            try:
                instance.save()
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.message_dict) from None
            if services is not None:
                instance.services.set(services)
        return instance

    def create(self, validated_data: dict[str, Any]) -> Incident:
        return self._save(Incident(), validated_data)

    def update(self, instance: Incident, validated_data: dict[str, Any]) -> Incident:
        return self._save(instance, validated_data)


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Incident._meta.get_field("status").choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CommentSerializer(serializers.Serializer):
    text = serializers.CharField()


class DeclareCalamitySerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=CalamityLevel.choices)
    reason = serializers.CharField(allow_blank=True)
    declared_at = serializers.DateTimeField(
        required=False, help_text="Wanneer de calamiteit werd afgekondigd (standaard nu; niet in de toekomst)."
    )
    late_reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Verplicht als het moment meer dan een dag geleden is."
    )


class FollowUpRequestSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    owner = serializers.PrimaryKeyRelatedField(queryset=Incident._meta.get_field("owner").related_model.objects.all())
    due_date = serializers.DateField()


class TimelineEntrySerializer(serializers.ModelSerializer):
    actor_username = serializers.CharField(source="actor.username", read_only=True, default=None)
    summary = serializers.CharField(read_only=True)

    class Meta:
        model = TimelineEntry
        fields = [
            "id",
            "incident",
            "kind",
            "at",
            "actor",
            "actor_username",
            "from_value",
            "to_value",
            "text",
            "summary",
        ]
        read_only_fields = fields


class DDoSAttackSerializer(serializers.ModelSerializer):
    service = serializers.SlugRelatedField(
        slug_field="slug", queryset=Service.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = DDoSAttack
        fields = [
            "id",
            "incident",
            "service",
            "started_at",
            "vector",
            "peak_gbps",
            "mitigated",
            "interruption_minutes",
            "notes",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _run_clean(_probe(self, attrs))
        return attrs


class PhishingTakedownSerializer(serializers.ModelSerializer):
    class Meta:
        model = PhishingTakedown
        fields = [
            "id",
            "url",
            "normalised_url",
            "kind",
            "abused_brand",
            "reported_at",
            "outcome",
            "taken_down_at",
            "completed_at",
            "earlier",
            "hosting_provider",
            "import_batch",
        ]
        read_only_fields = ["normalised_url", "completed_at", "earlier", "import_batch"]

    def validate_url(self, value: str) -> str:
        try:
            normalise_url(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _run_clean(_probe(self, attrs))
        return attrs


class MisuseInvestigationSerializer(serializers.ModelSerializer):
    service = serializers.SlugRelatedField(
        slug_field="slug", queryset=Service.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = MisuseInvestigation
        fields = ["id", "chain_partner", "partner_reference", "subject", "service", "opened_on", "closed_on", "outcome"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _run_clean(_probe(self, attrs))
        return attrs


class FraudAccountRemovalSerializer(serializers.ModelSerializer):
    account_number = serializers.CharField(
        write_only=True, required=False, help_text="DigiD-accountnummer: alleen het pseudoniem wordt bewaard."
    )

    class Meta:
        model = FraudAccountRemoval
        fields = [
            "id",
            "account_number",
            "pseudonym",
            "reason",
            "removed_at",
            "victim_informed",
            "new_digid_requested",
            "import_batch",
        ]
        read_only_fields = ["pseudonym", "import_batch"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        number = attrs.pop("account_number", None)
        if number is not None:
            try:
                attrs["pseudonym"] = pseudonymise_account(number)
            except ValueError:
                raise serializers.ValidationError(
                    {"account_number": ["Ongeldig accountnummer (6 tot 12 cijfers)"]}
                ) from None
        elif self.instance is None:
            raise serializers.ValidationError({"account_number": ["Verplicht"]})
        pseudonym = attrs.get("pseudonym", getattr(self.instance, "pseudonym", None))
        removed_at = attrs.get("removed_at", getattr(self.instance, "removed_at", None))
        duplicate = FraudAccountRemoval.objects.filter(pseudonym=pseudonym, removed_at=removed_at)
        if self.instance is not None:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise serializers.ValidationError({"removed_at": ["Deze verwijdering is al geregistreerd"]})
        _run_clean(_probe(self, attrs))
        return attrs


class LessonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lesson
        fields = ["id", "exercise", "title", "description"]


class ExerciseSerializer(serializers.ModelSerializer):
    levels_reached = serializers.ListField(child=serializers.ChoiceField(choices=CalamityLevel.choices), required=False)
    lessons = LessonSerializer(many=True, read_only=True)

    class Meta:
        model = Exercise
        fields = [
            "id",
            "name",
            "kind",
            "held_on",
            "scenario",
            "partners",
            "in_maintenance_window",
            "announced_in_advance",
            "levels_reached",
            "lessons",
        ]


class ImportBatchSerializer(serializers.ModelSerializer):
    imported_by_username = serializers.CharField(source="imported_by.username", read_only=True, default=None)

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "kind",
            "file_name",
            "sha256",
            "imported_by",
            "imported_by_username",
            "imported_at",
            "rows",
            "created",
            "duplicates",
        ]
        read_only_fields = fields


class DetectionSerializer(serializers.Serializer):
    """What the SOC supplier posts."""

    reference = serializers.CharField(max_length=100, help_text="Het eigen kenmerk van de leverancier (idempotent).")
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=Category.choices)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MEDIUM)
    detected_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    services = serializers.ListField(child=serializers.SlugField(), required=False, default=list)

    def validate_services(self, value: list[str]) -> list[str]:
        known = set(Service.objects.filter(slug__in=value).values_list("slug", flat=True))
        unknown = sorted(set(value) - known)
        if unknown:
            raise serializers.ValidationError(f"Onbekende voorziening: {', '.join(unknown)}")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        started = attrs.get("started_at")
        if started and started > attrs["detected_at"]:
            raise serializers.ValidationError({"started_at": ["Begin ligt na de detectie"]})
        return attrs


class DetectionResponseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Incident
        fields = [
            "id",
            "reference",
            "supplier_reference",
            "status",
            "category",
            "severity",
            "detected_at",
            "created_at",
        ]
        read_only_fields = fields


class MonthlyStatsSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    incidents_by_category = serializers.DictField(child=serializers.IntegerField())
    incidents_started = serializers.IntegerField()
    incidents_handled = serializers.IntegerField()
    calamities = serializers.IntegerField()
    ddos_attacks = serializers.IntegerField()
    ddos_peak_gbps = serializers.FloatField()
    ddos_total_peak_gbps = serializers.FloatField()
    ddos_interruption_minutes = serializers.IntegerField()
    phishing_takedowns = serializers.IntegerField()
    misuse_investigations = serializers.IntegerField()
    fraud_account_removals = serializers.IntegerField()


class MonthlyStatsResponseSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    months = MonthlyStatsSerializer(many=True)


class AnnualFiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    incidents_handled = serializers.IntegerField()
    calamities = serializers.IntegerField()
    ddos_attacks = serializers.IntegerField()
    phishing_takedowns = serializers.IntegerField()
    misuse_investigations = serializers.IntegerField()
    fraud_account_removals = serializers.IntegerField()
