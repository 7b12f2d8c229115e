"""Serializers of the platform's own records: the change history, events and reminders."""

from auditlog.models import LogEntry
from rest_framework import serializers

from core.models import Event, Reminder


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


class ReminderSerializer(serializers.ModelSerializer):
    model = serializers.SerializerMethodField()

    class Meta:
        model = Reminder
        fields = [
            "id",
            "recipient",
            "model",
            "item_id",
            "stage",
            "escalation",
            "due",
            "title",
            "url",
            "kind",
            "source",
            "created_at",
            "sent_at",
            "attempts",
            "next_attempt_at",
            "last_error",
        ]

    def get_model(self, obj: Reminder) -> str:
        return f"{obj.item_type.app_label}.{obj.item_type.model}"
