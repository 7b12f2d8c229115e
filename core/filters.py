"""Filters every app uses: years, months, ids, and the history and event lists."""

from typing import Any

import django_filters
from auditlog.models import LogEntry
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.models import Event, Reminder

MIN_YEAR, MAX_YEAR = 1900, 2999


class YearFilter(django_filters.NumberFilter):
    """A calendar year; out-of-range years are a 400, not a crash in the date lookups."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(*args, **kwargs)


class IdFilter(django_filters.NumberFilter):
    """A primary key: a whole number a database column can hold; anything else is a 400,
    not an overflow in the database driver."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class MonthFilter(django_filters.NumberFilter):
    """A month number, 1 to 12."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 12)
        super().__init__(*args, **kwargs)


def _content_types(value: str) -> QuerySet:
    """`app_label.model` or just `model`, case-insensitive."""
    app_label, _sep, model = value.lower().rpartition(".")
    found = ContentType.objects.filter(model=model)
    return found.filter(app_label=app_label) if app_label else found


class HistoryFilter(django_filters.FilterSet):
    model = django_filters.CharFilter(method="filter_model", label=_("model (app.model)"))
    object = django_filters.CharFilter(field_name="object_pk", label=_("objectnummer"))
    user = IdFilter(field_name="actor", label=_("gebruiker (nummer)"))
    username = django_filters.CharFilter(field_name="actor__username", label=_("gebruikersnaam"))
    since = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="gte", label=_("vanaf"))
    until = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="lt", label=_("tot"))
    action = django_filters.ChoiceFilter(choices=LogEntry.Action.choices, label=_("actie"))

    class Meta:
        model = LogEntry
        fields = ["model", "object", "user", "username", "since", "until", "action"]

    def filter_model(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(content_type__in=_content_types(value))


class EventFilter(django_filters.FilterSet):
    model = django_filters.CharFilter(method="filter_model", label=_("model (app.model)"))
    object = IdFilter(field_name="object_id", label=_("objectnummer"))
    since = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="gte", label=_("vanaf"))
    until = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="lt", label=_("tot"))

    class Meta:
        model = Event
        fields = ["name", "model", "object", "actor", "since", "until"]

    def filter_model(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(content_type__in=_content_types(value))


class ReminderFilter(django_filters.FilterSet):
    sent = django_filters.BooleanFilter(field_name="sent_at", lookup_expr="isnull", exclude=True, label=_("verzonden"))
    model = django_filters.CharFilter(method="filter_model", label=_("model (app.model)"))
    since = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte", label=_("vanaf"))

    class Meta:
        model = Reminder
        fields = ["recipient", "stage", "escalation", "item_id", "sent", "model", "since"]

    def filter_model(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(item_type__in=_content_types(value))
