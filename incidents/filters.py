"""One FilterSet per model, shared by the API and the admin's import pages."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import MonthFilter, YearFilter

from .choices import CalamityLevel, Category, Severity, Status, TakedownOutcome
from .models import (
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
from .pseudonyms import pseudonym_of_search


def _year(field: str) -> django_filters.NumberFilter:
    return YearFilter(field_name=field, lookup_expr="year", label=_("jaar"))


def _month(field: str) -> django_filters.NumberFilter:
    return MonthFilter(field_name=field, lookup_expr="month", label=_("maand (1–12)"))


def _from(field: str) -> django_filters.IsoDateTimeFilter:
    return django_filters.IsoDateTimeFilter(field_name=field, lookup_expr="gte", label=_("vanaf"))


def _until(field: str) -> django_filters.IsoDateTimeFilter:
    return django_filters.IsoDateTimeFilter(field_name=field, lookup_expr="lt", label=_("tot"))


class IncidentFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("status"))
    category = django_filters.MultipleChoiceFilter(choices=Category.choices, label=_("categorie"))
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices, label=_("ernst"))
    service = django_filters.CharFilter(field_name="services__slug", label=_("voorziening (code)"), distinct=True)
    started_from = _from("started_at")
    started_until = _until("started_at")
    closed_from = _from("closed_at")
    closed_until = _until("closed_at")
    year = _year("started_at")
    month = _month("started_at")
    closed_year = _year("closed_at")
    calamity = django_filters.BooleanFilter(
        field_name="calamity", lookup_expr="isnull", exclude=True, label=_("calamiteit")
    )

    class Meta:
        model = Incident
        fields = [
            "status",
            "category",
            "severity",
            "detection_source",
            "owner",
            "supplier_reference",
            "service",
            "started_from",
            "started_until",
            "closed_from",
            "closed_until",
            "year",
            "month",
            "closed_year",
            "calamity",
        ]


class TimelineEntryFilter(django_filters.FilterSet):
    at_from = _from("at")
    at_until = _until("at")

    class Meta:
        model = TimelineEntry
        fields = ["incident", "kind", "actor", "at_from", "at_until"]


class CalamityFilter(django_filters.FilterSet):
    level = django_filters.MultipleChoiceFilter(choices=CalamityLevel.choices, label=_("niveau"))
    year = _year("declared_at")
    month = _month("declared_at")
    declared_from = _from("declared_at")
    declared_until = _until("declared_at")

    class Meta:
        model = Calamity
        fields = ["incident", "level", "declared_by", "year", "month", "declared_from", "declared_until"]


class DDoSAttackFilter(django_filters.FilterSet):
    service = django_filters.CharFilter(field_name="service__slug", label=_("voorziening (code)"))
    year = _year("started_at")
    month = _month("started_at")
    started_from = _from("started_at")
    started_until = _until("started_at")
    min_peak_gbps = django_filters.NumberFilter(
        field_name="peak_gbps", lookup_expr="gte", label=_("piek vanaf (Gbit/s)")
    )

    class Meta:
        model = DDoSAttack
        fields = ["incident", "vector", "mitigated", "service", "year", "month", "started_from", "started_until"]


class PhishingTakedownFilter(django_filters.FilterSet):
    outcome = django_filters.MultipleChoiceFilter(choices=TakedownOutcome.choices, label=_("resultaat"))
    brand = django_filters.CharFilter(field_name="abused_brand", lookup_expr="iexact", label=_("misbruikt merk"))
    hosting_provider = django_filters.CharFilter(lookup_expr="icontains", label=_("hostingpartij"))
    url = django_filters.CharFilter(method="filter_url", label=_("URL (wordt genormaliseerd)"))
    reported_from = _from("reported_at")
    reported_until = _until("reported_at")
    year = _year("reported_at")
    month = _month("reported_at")
    completed_year = _year("completed_at")
    completed_month = _month("completed_at")

    class Meta:
        model = PhishingTakedown
        fields = [
            "outcome",
            "kind",
            "brand",
            "hosting_provider",
            "url",
            "reported_from",
            "reported_until",
            "year",
            "month",
            "completed_year",
            "completed_month",
            "import_batch",
        ]

    def filter_url(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        from .normalise import normalise_url

        try:
            return queryset.filter(normalised_url=normalise_url(value))
        except Exception:
            return queryset.none()


class MisuseInvestigationFilter(django_filters.FilterSet):
    chain_partner = django_filters.CharFilter(lookup_expr="iexact", label=_("ketenpartner"))
    opened_from = django_filters.DateFilter(field_name="opened_on", lookup_expr="gte", label=_("geopend vanaf"))
    opened_until = django_filters.DateFilter(field_name="opened_on", lookup_expr="lte", label=_("geopend tot en met"))
    year = _year("opened_on")
    month = _month("opened_on")
    open = django_filters.BooleanFilter(field_name="closed_on", lookup_expr="isnull", label=_("nog open"))

    class Meta:
        model = MisuseInvestigation
        fields = [
            "chain_partner",
            "partner_reference",
            "outcome",
            "service",
            "opened_from",
            "opened_until",
            "year",
            "month",
            "open",
        ]


class FraudAccountRemovalFilter(django_filters.FilterSet):
    # An account number is looked up by its pseudonym (the viewset already replaced a typed
    # number in the query; this keeps the filter right wherever else it is used).
    pseudonym = django_filters.CharFilter(method="filter_pseudonym", label=_("accountnummer of pseudoniem"))
    removed_from = _from("removed_at")
    removed_until = _until("removed_at")
    year = _year("removed_at")
    month = _month("removed_at")

    class Meta:
        model = FraudAccountRemoval
        fields = [
            "reason",
            "pseudonym",
            "victim_informed",
            "new_digid_requested",
            "removed_from",
            "removed_until",
            "year",
            "month",
            "import_batch",
        ]

    def filter_pseudonym(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(pseudonym=pseudonym_of_search(value)) if value else queryset


class ExerciseFilter(django_filters.FilterSet):
    year = _year("held_on")

    class Meta:
        model = Exercise
        fields = ["kind", "in_maintenance_window", "announced_in_advance", "year"]


class LessonFilter(django_filters.FilterSet):
    class Meta:
        model = Lesson
        fields = ["exercise"]


class ImportBatchFilter(django_filters.FilterSet):
    imported_from = _from("imported_at")
    imported_until = _until("imported_at")

    class Meta:
        model = ImportBatch
        fields = ["kind", "imported_by", "imported_from", "imported_until"]
