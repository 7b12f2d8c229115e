from auditlog.models import LogEntry
from rest_framework import serializers

from ..models import Availability, Department, Event, FollowUpAction, Person, Service


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "code"]


class PersonSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "user", "username", "name", "department", "manager", "job_title", "start_date", "end_date"]


class ServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["id", "name", "slug", "domain", "description", "owner", "availability_norm", "active"]


class AvailabilitySerializer(serializers.ModelSerializer):
    service_name = serializers.CharField(source="service.name", read_only=True)

    class Meta:
        model = Availability
        fields = ["id", "service", "service_name", "month", "achieved", "note"]

    def validate_month(self, value):  # type: ignore[no-untyped-def]
        return value.replace(day=1)


class ServiceAvailabilityYearSerializer(serializers.Serializer):
    service = serializers.CharField()
    year = serializers.IntegerField()
    norm = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True, coerce_to_string=False)
    achieved = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True, coerce_to_string=False)
    met = serializers.BooleanField(allow_null=True)
    months = serializers.IntegerField()


class FollowUpActionSerializer(serializers.ModelSerializer):
    source_model = serializers.SerializerMethodField()

    class Meta:
        model = FollowUpAction
        fields = [
            "id",
            "title",
            "description",
            "owner",
            "due_date",
            "status",
            "source_model",
            "source_type",
            "source_id",
            "created_at",
            "completed_at",
            "resolution",
        ]
        read_only_fields = ["created_at"]

    def get_source_model(self, obj: FollowUpAction) -> str | None:
        if obj.source_type_id is None:
            return None
        return f"{obj.source_type.app_label}.{obj.source_type.model}"


class HistorySerializer(serializers.ModelSerializer):
    model = serializers.SerializerMethodField()
    action = serializers.CharField(source="get_action_display")
    actor = serializers.CharField(source="actor.username", default=None)
    seal_hash = serializers.CharField(source="seal.hash", default=None, help_text="Hash in the tamper-evident chain")

    class Meta:
        model = LogEntry
        fields = ["id", "timestamp", "actor", "action", "model", "object_pk", "object_repr", "changes", "seal_hash"]

    def get_model(self, obj: LogEntry) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


class EventSerializer(serializers.ModelSerializer):
    model = serializers.SerializerMethodField()
    actor = serializers.CharField(source="actor.username", default=None)

    class Meta:
        model = Event
        fields = ["id", "timestamp", "name", "actor", "model", "object_id", "object_repr", "data"]

    def get_model(self, obj: Event) -> str | None:
        if obj.content_type is None:
            return None
        return f"{obj.content_type.app_label}.{obj.content_type.model}"
