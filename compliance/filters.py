"""One FilterSet per model, shared by the API and the pages."""

import django_filters
from auditlog.models import LogEntry
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Availability, Department, Event, FollowUpAction, Person, Service

MIN_YEAR, MAX_YEAR = 1900, 2999


class YearFilter(django_filters.NumberFilter):
    """A calendar year; out-of-range years are a 400, not a crash in the date lookups."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(*args, **kwargs)


class MonthFilter(django_filters.NumberFilter):
    """A month number, 1 to 12."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 12)
        super().__init__(*args, **kwargs)


class ServiceFilter(django_filters.FilterSet):
    class Meta:
        model = Service
        fields = ["domain", "active", "owner"]


class AvailabilityFilter(django_filters.FilterSet):
    year = YearFilter(field_name="month__year", label=_("jaar"))
    month_from = django_filters.DateFilter(field_name="month", lookup_expr="gte", label=_("vanaf maand"))
    month_to = django_filters.DateFilter(field_name="month", lookup_expr="lte", label=_("tot en met maand"))
    service = django_filters.CharFilter(field_name="service__slug", label=_("voorziening (code)"))

    class Meta:
        model = Availability
        fields = ["service", "year", "month_from", "month_to"]


class DepartmentFilter(django_filters.FilterSet):
    class Meta:
        model = Department
        fields = ["code"]


class PersonFilter(django_filters.FilterSet):
    started_from = django_filters.DateFilter(field_name="start_date", lookup_expr="gte", label=_("in dienst vanaf"))
    started_to = django_filters.DateFilter(field_name="start_date", lookup_expr="lte", label=_("in dienst tot en met"))

    class Meta:
        model = Person
        fields = ["department", "manager", "started_from", "started_to"]


class FollowUpActionFilter(django_filters.FilterSet):
    due_from = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label=_("uiterlijk vanaf"))
    due_to = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("uiterlijk tot en met"))
    source_model = django_filters.CharFilter(method="filter_source_model", label=_("bron (app.model)"))

    class Meta:
        model = FollowUpAction
        fields = ["status", "owner", "due_from", "due_to", "source_model", "source_id"]

    def filter_source_model(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(source_type__in=_content_types(value))


def _content_types(value: str) -> QuerySet:
    """`app_label.model` or just `model`, case-insensitive."""
    app_label, _sep, model = value.lower().rpartition(".")
    found = ContentType.objects.filter(model=model)
    return found.filter(app_label=app_label) if app_label else found


class HistoryFilter(django_filters.FilterSet):
    model = django_filters.CharFilter(method="filter_model", label=_("model (app.model)"))
    object = django_filters.CharFilter(field_name="object_pk", label=_("objectnummer"))
    user = django_filters.NumberFilter(field_name="actor", label=_("gebruiker (nummer)"))
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
    object = django_filters.NumberFilter(field_name="object_id", label=_("objectnummer"))
    since = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="gte", label=_("vanaf"))
    until = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="lt", label=_("tot"))

    class Meta:
        model = Event
        fields = ["name", "model", "object", "actor", "since", "until"]

    def filter_model(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(content_type__in=_content_types(value))
