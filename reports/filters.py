"""One FilterSet per model, shared by the API and the pages."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import AccessLog, ExportJob


class AccessLogFilter(django_filters.FilterSet):
    username = django_filters.CharFilter(field_name="username", label=_("gebruikersnaam"))
    since = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="gte", label=_("vanaf"))
    until = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="lt", label=_("tot"))

    class Meta:
        model = AccessLog
        fields = ["user", "username", "action", "model", "format", "since", "until"]


class ExportJobFilter(django_filters.FilterSet):
    class Meta:
        model = ExportJob
        fields = ["status", "format", "source"]
