"""One FilterSet per model, shared by the API and the pages."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter, YearFilter

from .models import (
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
from .models.register import SPECIAL_CATEGORIES


class CategoryFilter(django_filters.FilterSet):
    class Meta:
        model = Category
        fields = ["kind"]


class ProcessingActivityFilter(django_filters.FilterSet):
    registered_year = YearFilter(field_name="registered_on__year", label=_("jaar van registratie"))
    review_before = django_filters.DateFilter(
        field_name="next_review_on", lookup_expr="lte", label=_("herziening vóór")
    )
    legal_basis = django_filters.ChoiceFilter(
        field_name="purposes__legal_basis", choices=Purpose.LegalBasis.choices, distinct=True, label=_("grondslag")
    )
    service = django_filters.CharFilter(field_name="services__slug", distinct=True, label=_("voorziening (code)"))
    special_categories = django_filters.BooleanFilter(method="filter_special", label=_("bijzondere persoonsgegevens"))
    dpia_required = django_filters.BooleanFilter(method="filter_dpia_required", label=_("DPIA verplicht (screening)"))

    class Meta:
        model = ProcessingActivity
        fields = ["role", "owner", "bsn", "criminal_data", "registered_year", "review_before", "legal_basis", "service"]

    def filter_special(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        condition = Q()
        for field, _label in SPECIAL_CATEGORIES:
            condition |= Q(**{field: True})
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_dpia_required(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        condition = (
            Q(screening_automated_decision=True)
            | Q(screening_large_scale=True)
            | Q(screening_systematic_monitoring=True)
            | Q(screening_ap_mandatory_list=True)
            | Q(screening_high_risk=True)
            | Q(screening_wp248_criteria__gte=2)
        )
        return queryset.filter(condition) if value else queryset.exclude(condition)


class PurposeFilter(django_filters.FilterSet):
    class Meta:
        model = Purpose
        fields = ["activity", "legal_basis"]


class ProcessorFilter(django_filters.FilterSet):
    agreement_missing = django_filters.BooleanFilter(
        field_name="agreement_signed_on", lookup_expr="isnull", label=_("verwerkersovereenkomst ontbreekt")
    )

    class Meta:
        model = Processor
        fields = ["activity", "agreement_missing"]


class TransferFilter(django_filters.FilterSet):
    class Meta:
        model = Transfer
        fields = ["activity", "safeguard", "country"]


class QuestionnaireFilter(django_filters.FilterSet):
    class Meta:
        model = Questionnaire
        fields = ["active", "slug"]


class QuestionFilter(django_filters.FilterSet):
    class Meta:
        model = Question
        fields = ["questionnaire", "answer_type", "criterion"]


class SelfAssessmentFilter(django_filters.FilterSet):
    completed_year = YearFilter(field_name="completed_on__year", label=_("jaar van afronding"))
    completed = django_filters.BooleanFilter(
        field_name="completed_on", lookup_expr="isnull", exclude=True, label=_("afgerond")
    )

    class Meta:
        model = SelfAssessment
        fields = ["questionnaire", "activity", "service", "dpia_required", "completed", "completed_year"]


class AnswerFilter(django_filters.FilterSet):
    class Meta:
        model = Answer
        fields = ["assessment", "question"]


class DPIAFilter(django_filters.FilterSet):
    decided_year = YearFilter(field_name="decided_on__year", label=_("jaar van besluit"))
    review_before = django_filters.DateFilter(field_name="review_on", lookup_expr="lte", label=_("herziening vóór"))
    prior_consultation = django_filters.BooleanFilter(
        method="filter_prior", label=_("voorafgaande raadpleging AP nodig")
    )

    class Meta:
        model = DPIA
        fields = ["status", "decision", "activity", "owner", "decided_year", "review_before", "prior_consultation"]

    def filter_prior(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        # residual likelihood x impact >= HIGH_RISK_SCORE (9) on a 1-4 scale means both are 3 or more
        high = DPIARisk.objects.filter(residual_likelihood__gte=3, residual_impact__gte=3)
        ids = high.values("dpia_id")
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)


class DPIARiskFilter(django_filters.FilterSet):
    residual_high = django_filters.BooleanFilter(method="filter_high", label=_("restrisico hoog"))

    class Meta:
        model = DPIARisk
        fields = ["dpia", "residual_high"]

    def filter_high(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        high = Q(residual_likelihood__gte=3, residual_impact__gte=3)
        return queryset.filter(high) if value else queryset.exclude(high)


class DPIATransitionFilter(django_filters.FilterSet):
    class Meta:
        model = DPIATransition
        fields = ["dpia", "to_status", "by"]


class DataBreachFilter(django_filters.FilterSet):
    aware_year = YearFilter(field_name="aware_at__year", label=_("jaar bekend geworden"))
    aware_from = django_filters.IsoDateTimeFilter(field_name="aware_at", lookup_expr="gte", label=_("bekend vanaf"))
    aware_until = django_filters.IsoDateTimeFilter(field_name="aware_at", lookup_expr="lt", label=_("bekend tot"))
    reported = django_filters.BooleanFilter(
        field_name="reported_to_ap_at", lookup_expr="isnull", exclude=True, label=_("gemeld bij de AP")
    )
    clock_running = django_filters.BooleanFilter(method="filter_clock", label=_("termijn loopt"))
    reported_late = django_filters.BooleanFilter(method="filter_late", label=_("te laat gemeld"))

    class Meta:
        model = DataBreach
        fields = ["report_type", "risk", "subjects_decision", "incident", "aware_year", "reported"]

    def filter_clock(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        running = DataBreach.objects.open_clock().values("pk")
        return queryset.filter(pk__in=running) if value else queryset.exclude(pk__in=running)

    def filter_late(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        late = DataBreach.objects.reported_late().values("pk")
        return queryset.filter(pk__in=late) if value else queryset.exclude(pk__in=late)


class WorkshopSeriesFilter(django_filters.FilterSet):
    class Meta:
        model = WorkshopSeries
        fields = ["kind", "active"]


class WorkshopSessionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(field_name="series__kind", choices=WorkshopSeries.Kind.choices, label=_("soort"))
    year = YearFilter(field_name="starts_at__year", label=_("jaar"))
    upcoming = django_filters.BooleanFilter(method="filter_upcoming", label=_("komend"))
    starts_from = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte", label=_("vanaf"))
    starts_until = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt", label=_("tot"))

    class Meta:
        model = WorkshopSession
        fields = ["series", "kind", "cancelled", "year", "upcoming", "starts_from", "starts_until"]

    def filter_upcoming(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        now = timezone.now()
        return queryset.filter(starts_at__gt=now) if value else queryset.filter(starts_at__lte=now)


class RegistrationFilter(django_filters.FilterSet):
    series = IdFilter(field_name="session__series", label=_("reeks"))
    year = YearFilter(field_name="session__starts_at__year", label=_("jaar"))
    department = IdFilter(field_name="user__person__department", label=_("afdeling"))

    class Meta:
        model = Registration
        fields = ["session", "series", "user", "status", "attendance", "year", "department"]
