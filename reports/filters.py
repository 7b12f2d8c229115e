"""One FilterSet per model, shared by the API and the pages."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import AccessLog, ExportJob


class AccessLogFilter(django_filters.FilterSet):
    username = django_filters.CharFilter(field_name="username", label=_("gebruikersnaam"))
    since = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="gte", label=_("vanaf"))
    until = django_filters.IsoDateTimeFilter(field_name="timestamp", lookup_expr="lt", label=_("tot"))
    # `?format=` picks the response format (csv, xlsx), so the file format filter has another name
    file_format = django_filters.CharFilter(field_name="format", label=_("formaat van het bestand"))

    class Meta:
        model = AccessLog
        fields = ["user", "username", "action", "model", "file_format", "since", "until"]


class ExportJobFilter(django_filters.FilterSet):
    file_format = django_filters.CharFilter(field_name="format", label=_("formaat van het bestand"))

    class Meta:
        model = ExportJob
        fields = ["status", "file_format", "source"]
