"""One FilterSet per model of the organisation, shared by the API and the pages."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import YearFilter
from organisation.models import Availability, Department, Person, Service


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
