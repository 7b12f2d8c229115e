"""CSV, XLSX and JSON-lines exports of every API list, with the list's filters applied.

`?format=csv`, `?format=xlsx` or `?format=jsonl` on a list endpoint exports every row the
filters select (no pagination), with the serializer's fields as columns and their Dutch
labels as headers. The renderers are registered in `REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"]`
so every endpoint accepts the formats:

- viewsets that use `ExportListMixin` stream the export (constant memory);
- other list views are exported by the renderer itself, in memory, which is bounded
  because anything above `settings.EXPORT_ASYNC_THRESHOLD` rows becomes a background job
  either way (202 with the job's URL);
- a detail or error response is rendered as a one-row table (errors as JSON).

The renderer classes live in `compliance.api_renderers` (DRF imports them while it loads
its views, so they must not import DRF's views themselves).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.encoding import force_str
from django.utils.http import content_disposition_header
from django.utils.module_loading import import_string
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from core.access import notify_access
from core.api.versioning import for_version
from core.exporters import (
    CHUNK_SIZE,
    DEFAULT_DIALECT,
    DIALECT_PARAM,
    BaseExporter,
    CsvDialect,
    ExportTooLarge,
    ListExporter,
    Row,
    UnknownDialect,
    async_threshold,
    export_response,
    get_dialect,
    register_source,
    sql_csv_lines,
    start_async_export,
)

EXPORT_FORMATS = ("csv", "xlsx", "jsonl")
# Query parameters that page (numbered or cursor) or pick a format, not filters.
NOT_FILTERS = {"format", "page", "page_size", "cursor", DIALECT_PARAM}
# Serializer fields whose representation of a model field's value is that value itself (or
# what the CSV/XLSX writers make of it): these columns are read with values_list, without
# building a model instance or calling the serializer per row.
PLAIN_FIELDS = (
    serializers.CharField,
    serializers.IntegerField,
    *([serializers.BigIntegerField] if hasattr(serializers, "BigIntegerField") else []),
    serializers.FloatField,
    serializers.DecimalField,
    serializers.BooleanField,
    serializers.DateTimeField,
    serializers.DateField,
    serializers.ChoiceField,
    serializers.EmailField,
    serializers.URLField,
    serializers.SlugField,
    serializers.PrimaryKeyRelatedField,
    serializers.SlugRelatedField,
)


class SerializerExporter(BaseExporter):
    """Rows of a queryset as the API shows them: one column per serializer field.

    When every column is a model field shown as it is stored (`PLAIN_FIELDS`) and the
    serializer does not change its representation, the rows are the tuples of
    ``values_list(...)``; otherwise each row is the serializer's representation."""

    def __init__(self, queryset: QuerySet, serializer: BaseSerializer, identifier: str, filters: dict) -> None:
        self.queryset = queryset
        self.serializer = serializer
        self.identifier = identifier
        self.verbose_name = queryset.model._meta.verbose_name_plural
        self.filters = filters
        self.fields = [name for name, field in serializer.fields.items() if not field.write_only]

    def headers(self) -> list[str]:
        fields = self.serializer.fields
        return [force_str(fields[name].label or name) for name in self.fields]

    def plain_paths(self) -> list[str] | None:
        """The values_list paths of the columns, or None when a column needs Python."""
        serializer = self.serializer
        if type(serializer).to_representation is not serializers.Serializer.to_representation:
            return None
        model_fields = {field.name: field for field in self.queryset.model._meta.concrete_fields}
        paths = []
        for name in self.fields:
            field = serializer.fields[name]
            source = field.source
            # the exact classes only: a subclass may show the value its own way
            if type(field) not in PLAIN_FIELDS or source not in model_fields:
                return None
            model_field = model_fields[source]
            related = isinstance(field, serializers.RelatedField)
            if model_field.is_relation != related or (related and not model_field.many_to_one):
                return None
            # a foreign key by its primary key, or by its slug field
            paths.append(f"{source}__{field.slug_field}" if isinstance(field, serializers.SlugRelatedField) else source)
        return paths

    def rows(self) -> Iterator[Row]:
        paths = self.plain_paths()
        if paths is not None:
            yield from self.queryset.values_list(*paths).iterator(chunk_size=CHUNK_SIZE)
            return
        for obj in self.queryset.iterator(chunk_size=CHUNK_SIZE):
            data = self.serializer.to_representation(obj)
            yield [data.get(name) for name in self.fields]

    def count(self) -> int:
        return self.queryset.count()

    def csv_query(self, spec: CsvDialect) -> tuple[QuerySet, tuple[str, list[Any]]] | None:
        paths = self.plain_paths()
        query = sql_csv_lines(self.queryset, paths, spec) if paths is not None else None
        return (self.queryset, query) if query else None

    def describe(self) -> dict[str, Any]:
        meta = self.queryset.model._meta
        return {"name": self.identifier, "model": f"{meta.app_label}.{meta.model_name}", "filters": self.filters}


def view_path(view: Any) -> str:
    return f"{type(view).__module__}.{type(view).__qualname__}"


def exporter_for_view(view: GenericAPIView, request: Request) -> SerializerExporter:
    """Every row the list's filters select, unpaginated, in the view's ordering."""
    queryset = view.filter_queryset(view.get_queryset())
    serializer = view.get_serializer_class()(context=view.get_serializer_context())
    filters = {k: v for k, v in request.query_params.lists() if k not in NOT_FILTERS}
    return SerializerExporter(queryset, serializer, view_path(view), filters)


def _dialect_of(request: Request, fmt: str) -> str | None:
    """The CSV dialect asked for (`?dialect=`); raises UnknownDialect."""
    if fmt != "csv":
        return None
    return get_dialect(request.query_params.get(DIALECT_PARAM)).name


def _async_or_none(
    request: Request, exporter: SerializerExporter, fmt: str, dialect: str | None = None
) -> Response | None:
    """Start a background job when the export is too large for a request."""
    total = exporter.count()
    if total <= async_threshold():
        notify_access(request.user, "export", **exporter.describe(), format=fmt, rows=total)
        return None
    params = dict(exporter.filters)
    if dialect and dialect != DEFAULT_DIALECT:
        params[DIALECT_PARAM] = [dialect]  # the job takes it off before it rebuilds the list
    try:
        url = start_async_export(
            user=request.user,
            kind="api",
            name=exporter.identifier,
            params=params,
            fmt=fmt,
            total=total,
            description=str(exporter.verbose_name),
        )
    except ExportTooLarge as error:
        return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
    return Response(
        {"job": request.build_absolute_uri(for_version(request, url)), "rows": total}, status=status.HTTP_202_ACCEPTED
    )


class ExportListMixin:
    """For a list viewset: stream `?format=csv|xlsx|jsonl` exports in constant memory."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        fmt = getattr(request.accepted_renderer, "format", None)
        if fmt not in EXPORT_FORMATS:
            return super().list(request, *args, **kwargs)  # type: ignore[misc]
        try:
            dialect = _dialect_of(request, fmt)
        except UnknownDialect as error:
            return HttpResponse(json.dumps({"detail": str(error)}), status=400, content_type="application/json")
        exporter = exporter_for_view(self, request)  # type: ignore[arg-type]
        queued = _async_or_none(request, exporter, fmt, dialect)
        if queued is not None:
            # A JSON answer, whatever format was asked for.
            return HttpResponse(json.dumps(queued.data), status=queued.status_code, content_type="application/json")
        return export_response(exporter, fmt, dialect)


def render_export(data: Any, fmt: str, renderer_context: Any) -> bytes:
    """What the export renderers return: see the module docstring."""
    context = renderer_context or {}
    view, request, response = context.get("view"), context.get("request"), context.get("response")
    if response is not None and response.status_code >= 400:
        response["Content-Type"] = "application/json"
        return json.dumps(data, default=str).encode()
    try:
        dialect = _dialect_of(request, fmt) if request is not None else None
    except UnknownDialect as error:
        response.status_code = 400
        response["Content-Type"] = "application/json"
        return json.dumps({"detail": str(error)}).encode()
    exporter: BaseExporter
    if _is_list_view(view):
        exporter = exporter_for_view(view, request)
        queued = _async_or_none(request, exporter, fmt, dialect)
        if queued is not None:
            response.status_code = queued.status_code
            response["Content-Type"] = "application/json"
            return json.dumps(queued.data).encode()
        response["Content-Disposition"] = content_disposition_header(True, exporter.filename(fmt))
    else:
        exporter = _exporter_for_data(data)
    target = io.BytesIO()
    exporter.write(fmt, target, dialect=dialect)
    return target.getvalue()


def _is_list_view(view: Any) -> bool:
    return isinstance(view, GenericAPIView) and getattr(view, "action", None) == "list"


def _exporter_for_data(data: Any) -> ListExporter:
    records = data.get("results", [data]) if isinstance(data, dict) else list(data or [])
    headers = list(records[0].keys()) if records and isinstance(records[0], dict) else ["waarde"]
    rows = [[r.get(h) for h in headers] if isinstance(r, dict) else [r] for r in records]
    return ListExporter("api", "export", headers, rows)


def api_source(name: str, user: Any, params: dict[str, list[str]]) -> SerializerExporter:
    """Rebuild an API export in a worker: the list view `name` (its dotted path) as `user`."""
    view_class = import_string(name)
    if not (isinstance(view_class, type) and issubclass(view_class, GenericAPIView)):
        raise LookupError(f"Geen API-lijst: {name}")
    django_request = RequestFactory().get("/", dict(params.items()))
    request = Request(django_request)
    request.user = user
    view = view_class()
    view.action = "list"
    view.request = request
    view.args, view.kwargs, view.format_kwarg = (), {}, None
    try:
        view.check_permissions(request)
    except Exception as error:
        raise PermissionDenied(str(error)) from error
    return exporter_for_view(view, request)


register_source("api", api_source)
