"""One FilterSet per model, shared by the API and the pages."""

from typing import Any

import django_filters
from auditlog.models import LogEntry
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import (
    Applicability,
    Availability,
    CheckStatus,
    Control,
    ControlCheck,
    Department,
    Event,
    Evidence,
    FollowUpAction,
    Framework,
    Person,
    Policy,
    Reminder,
    Requirement,
    Service,
)

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


class FrameworkFilter(django_filters.FilterSet):
    class Meta:
        model = Framework
        fields = ["ref_id", "provider"]


class RequirementFilter(django_filters.FilterSet):
    framework_ref = django_filters.CharFilter(field_name="framework__ref_id", label=_("normenkader (code)"))
    covered = django_filters.BooleanFilter(method="filter_covered", label=_("gedekt door een maatregel"))

    class Meta:
        model = Requirement
        fields = ["framework", "framework_ref", "parent", "ref_id", "assessable", "depth", "covered"]

    def filter_covered(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        covered = queryset.filter(controls__active=True).values("pk")
        return queryset.filter(pk__in=covered) if value else queryset.exclude(pk__in=covered)


class ApplicabilityFilter(django_filters.FilterSet):
    framework = IdFilter(field_name="requirement__framework", label=_("normenkader"))

    class Meta:
        model = Applicability
        fields = ["framework", "requirement", "applicable"]


class ControlFilter(django_filters.FilterSet):
    service = IdFilter(field_name="services", label=_("voorziening"))
    requirement = IdFilter(field_name="requirements", label=_("eis"))

    class Meta:
        model = Control
        fields = ["frequency", "owner", "evidence_owner", "active", "service", "requirement"]


class ControlCheckFilter(django_filters.FilterSet):
    service = IdFilter(field_name="control__services", label=_("voorziening"))
    status = django_filters.MultipleChoiceFilter(choices=CheckStatus.choices, label=_("status"))
    due_from = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label=_("uiterlijk vanaf"))
    due_to = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("uiterlijk tot en met"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("achterstallig"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("aan mij toegewezen"))

    class Meta:
        model = ControlCheck
        fields = ["control", "service", "owner", "evidence_owner", "status", "result", "due_from", "due_to", "overdue"]

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.overdue() if value else queryset.not_overdue()  # type: ignore[attr-defined]

    def filter_mine(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.assigned_to(user)  # type: ignore[attr-defined]


class EvidenceFilter(django_filters.FilterSet):
    check = IdFilter(field_name="check_obj", label=_("periodieke controle"))
    current = django_filters.BooleanFilter(method="filter_current", label=_("laatste versie"))

    class Meta:
        model = Evidence
        fields = ["check", "kind", "uploaded_by", "sha256", "current"]

    def filter_current(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        current = queryset.current()  # type: ignore[attr-defined]
        return current if value else queryset.exclude(pk__in=current.values("pk"))


class PolicyFilter(django_filters.FilterSet):
    review_from = django_filters.DateFilter(field_name="next_review", lookup_expr="gte", label=_("beoordeling vanaf"))
    review_to = django_filters.DateFilter(field_name="next_review", lookup_expr="lte", label=_("beoordeling t/m"))

    class Meta:
        model = Policy
        fields = ["owner", "active", "review_from", "review_to"]


class ReminderFilter(django_filters.FilterSet):
    sent = django_filters.BooleanFilter(field_name="sent_at", lookup_expr="isnull", exclude=True, label=_("verzonden"))
    model = django_filters.CharFilter(method="filter_model", label=_("model (app.model)"))
    since = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte", label=_("vanaf"))

    class Meta:
        model = Reminder
        fields = ["recipient", "stage", "escalation", "item_id", "sent", "model", "since"]

    def filter_model(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(item_type__in=_content_types(value))
