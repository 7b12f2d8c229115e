"""API of the platform's own records: the change history, events and reminders (read-only)."""

from auditlog.models import LogEntry
from rest_framework import viewsets

from core import filters
from core.api import serializers
from core.api.export import ExportListMixin
from core.models import Event, Reminder


class HistoryViewSet(ExportListMixin, viewsets.ReadOnlyModelViewSet):
    """Change history of every domain object: who, when, before and after."""

    queryset = LogEntry.objects.select_related("actor", "content_type", "seal").order_by("-timestamp", "-pk")
    serializer_class = serializers.HistorySerializer
    filterset_class = filters.HistoryFilter
    ordering_fields = ["timestamp"]


class EventViewSet(ExportListMixin, viewsets.ReadOnlyModelViewSet):
    """Named business events (check accepted, calamity declared, …)."""

    queryset = Event.objects.select_related("actor", "content_type")
    serializer_class = serializers.EventSerializer
    filterset_class = filters.EventFilter
    ordering_fields = ["timestamp"]


class ReminderViewSet(ExportListMixin, viewsets.ReadOnlyModelViewSet):
    """Every reminder recorded: who, what, which stage, when sent (read-only)."""

    queryset = Reminder.objects.select_related("item_type")
    serializer_class = serializers.ReminderSerializer
    filterset_class = filters.ReminderFilter
    search_fields = ["title", "stage"]
    ordering_fields = ["created_at", "sent_at", "due"]
