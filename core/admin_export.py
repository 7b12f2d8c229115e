"""Export every admin list with the filters of the page applied.

`ExportMixin` adds "Exporteren (CSV)" and "Exporteren (XLSX)" buttons to a changelist
(they export what the changelist shows: its filters, search and ordering, every page) and
two admin actions that export the selected rows. Exports larger than
`settings.EXPORT_ASYNC_THRESHOLD` rows become a background job; the request returns at once.
Put it first in the bases: ``class ServiceAdmin(ExportMixin, WaarborgAdmin)``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, QueryDict
from django.test import RequestFactory
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from .access import notify_access
from .exporters import (
    DEFAULT_DIALECT,
    DIALECT_PARAM,
    FORMATS,
    ExportTooLarge,
    QuerySetExporter,
    UnknownDialect,
    async_threshold,
    export_response,
    get_dialect,
    register_source,
    start_async_export,
)

FORMAT_PARAM = "_format"
# The CSV dialect (`nl`, the default, or `rfc4180`); underscored like `_format`, so that the
# changelist does not read it as a filter.
ADMIN_DIALECT_PARAM = "_dialect"
# Changelist parameters that select a page or a display, not which rows.
_NOT_FILTERS = {"p", "all", "e", "_popup", "_to_field"}


class ExportMixin:
    """For a ModelAdmin: export the changelist's current queryset as CSV or XLSX."""

    change_list_template = "admin/waarborg/export_change_list.html"
    # Field paths or (path, header) pairs; default: every concrete field.
    export_fields: list[Any] | None = None

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta  # type: ignore[attr-defined]
        view = self.admin_site.admin_view(self.export_view)  # type: ignore[attr-defined]
        return [
            path("export/", view, name=f"{opts.app_label}_{opts.model_name}_export"),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def get_export_fields(self, request: HttpRequest | None) -> list[Any] | None:
        return self.export_fields

    def build_exporter(
        self, request: HttpRequest, queryset: QuerySet, params: dict[str, list[str]]
    ) -> QuerySetExporter:
        return QuerySetExporter(queryset, self.get_export_fields(request), filters=_filters_only(params))

    def changelist_queryset(self, request: HttpRequest) -> QuerySet:
        """The rows the changelist shows for this request (filters, search, ordering)."""
        changelist = self.get_changelist_instance(request)  # type: ignore[attr-defined]
        return changelist.queryset

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        fmt = request.GET.get(FORMAT_PARAM, "csv")
        if fmt not in FORMATS:
            fmt = "csv"
        try:
            dialect = get_dialect(request.GET.get(ADMIN_DIALECT_PARAM)).name if fmt == "csv" else None
        except UnknownDialect as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
        params = request.GET.copy()
        params.pop(FORMAT_PARAM, None)
        params.pop(ADMIN_DIALECT_PARAM, None)
        request.GET = params
        try:
            queryset = self.changelist_queryset(request)
        except IncorrectLookupParameters:
            messages.error(request, _("Ongeldig filter; er is niets geëxporteerd."))
            return HttpResponseRedirect("../")
        return self._export(request, self.build_exporter(request, queryset, dict(params.lists())), fmt, dialect)

    def _export(
        self, request: HttpRequest, exporter: QuerySetExporter, fmt: str, dialect: str | None = None
    ) -> HttpResponse:
        total = exporter.count()
        if total > async_threshold():
            label = exporter.identifier
            params = dict(exporter.filters.items())
            if dialect and dialect != DEFAULT_DIALECT:
                params[DIALECT_PARAM] = [dialect]  # the job takes it off before it rebuilds the list
            try:
                url = start_async_export(
                    user=request.user,
                    kind="admin",
                    name=label,
                    params=params,
                    fmt=fmt,
                    total=total,
                    description=str(exporter.verbose_name),
                )
            except ExportTooLarge as error:
                messages.error(request, str(error))
                return HttpResponseRedirect("../")
            messages.info(request, _("De export van %(rows)s rijen loopt op de achtergrond.") % {"rows": total})
            return HttpResponseRedirect(url)
        notify_access(request.user, "export", **exporter.describe(), format=fmt, rows=total)
        return export_response(exporter, fmt, dialect)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)  # type: ignore[misc]
        if self.has_view_permission(request):  # type: ignore[attr-defined]
            for fmt in ("csv", "xlsx"):
                name = f"export_selected_{fmt}"
                actions[name] = (_export_action(fmt), name, _("Selectie exporteren (%s)") % fmt.upper())
        return actions


def _export_action(fmt: str) -> Any:
    def export_selected(modeladmin: ExportMixin, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        pks = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        exporter = modeladmin.build_exporter(request, queryset, {"pk__in": [",".join(pks)]})
        return modeladmin._export(request, exporter, fmt)

    return export_selected


def _filters_only(params: dict[str, list[str]]) -> dict[str, list[str]]:
    return {key: values for key, values in params.items() if key not in _NOT_FILTERS}


def admin_source(name: str, user: Any, params: dict[str, list[str]]) -> QuerySetExporter:
    """Rebuild an admin export in a worker: the changelist of `name` (app.model) as `user`."""
    app_label, _sep, model_name = name.partition(".")
    model_admin = next(
        (
            ma
            for model, ma in admin.site._registry.items()
            if model._meta.app_label == app_label and model._meta.model_name == model_name
        ),
        None,
    )
    if not isinstance(model_admin, ExportMixin):
        raise LookupError(f"Geen exporteerbare lijst: {name}")
    query = QueryDict(mutable=True)
    selected = params.get("pk__in")
    for key, values in params.items():
        if key != "pk__in":
            query.setlist(key, values)
    request = RequestFactory().get("/", query)
    request.user = user
    if not model_admin.has_view_permission(request):  # type: ignore[attr-defined]
        raise PermissionDenied
    queryset = model_admin.changelist_queryset(request)
    if selected:
        queryset = queryset.filter(pk__in=[pk for pk in selected[-1].split(",") if pk])
    return model_admin.build_exporter(request, queryset, params)


register_source("admin", admin_source)
