"""One FilterSet per model, shared by the API and the pages."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from compliance.models import (
    Applicability,
    CheckStatus,
    Control,
    ControlCheck,
    Evidence,
    FollowUpAction,
    Framework,
    Policy,
    Requirement,
)
from core.filters import IdFilter, _content_types


class FollowUpActionFilter(django_filters.FilterSet):
    due_from = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label=_("uiterlijk vanaf"))
    due_to = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("uiterlijk tot en met"))
    source_model = django_filters.CharFilter(method="filter_source_model", label=_("bron (app.model)"))

    class Meta:
        model = FollowUpAction
        fields = ["status", "owner", "due_from", "due_to", "source_model", "source_id"]

    def filter_source_model(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(source_type__in=_content_types(value))


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
    this_month = django_filters.BooleanFilter(method="filter_this_month", label=_("uiterlijk deze maand"))

    class Meta:
        model = ControlCheck
        fields = ["control", "service", "owner", "evidence_owner", "status", "result", "due_from", "due_to", "overdue"]

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.overdue() if value else queryset.not_overdue()  # type: ignore[attr-defined]

    def filter_this_month(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return queryset.due_in_month()  # type: ignore[attr-defined]

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
