"""The admin's pickers (autocomplete fields): who may use them and how they show people.

Django's own autocomplete answers only to someone who may *view* the target model in the admin
(the user list, for an owner field). Here a picker answers to whoever may add or change the
record the field belongs to, and only for a field that record's admin offers as a picker; the
target's own admin pages keep their own permissions (only the Beheerder opens the user admin).

How a picker shows a record (a person: full name and department, never a user name) is a
register: an app above the core calls `register_label(model, label, select_related, ordering)`
in its `AppConfig.ready()`, so the core never names it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class PickerLabel:
    label: Callable[[Any], str]
    select_related: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ()
    filter: dict[str, Any] | None = None
    column: Callable[[Any], str] | None = None


_labels: dict[type[Model], PickerLabel] = {}


def register_label(
    model: type[Model],
    label: Callable[[Any], str],
    select_related: Iterable[str] = (),
    ordering: Iterable[str] = (),
    filter: dict[str, Any] | None = None,
    column: Callable[[Any], str] | None = None,
) -> None:
    """Show records of `model` in pickers and choice lists as `label(obj)`; the picker loads
    `select_related` with them, sorts by `ordering` and offers only records matching `filter`.
    `column(obj)` is how an admin list shows them (it may use nothing the list did not load)."""
    _labels[model] = PickerLabel(label, tuple(select_related), tuple(ordering), filter, column)


_columns: dict[tuple[type[Model], str], Callable[[Any], str]] = {}


def list_column(model: type[Model], name: Any) -> Any:
    """The list_display entry `name` of `model`: a foreign key to a model with a registered
    column (a user) becomes a column showing it by name, sortable as before."""
    if not isinstance(name, str):
        return name
    key = (model, name)
    if key in _columns:
        return _columns[key]
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a method or an admin attribute: left as it is
        return name
    entry = _labels.get(field.related_model) if getattr(field, "many_to_one", False) else None
    if entry is None or entry.column is None:
        return name
    show = entry.column

    def column(obj: Any) -> str:
        value = getattr(obj, name)
        return show(value) if value is not None else "-"

    column.short_description = field.verbose_name  # type: ignore[attr-defined]
    column.admin_order_field = name  # type: ignore[attr-defined]
    column.__name__ = name
    _columns[key] = column
    return column


def label_for(obj: Any) -> str:
    entry = _labels.get(type(obj))
    return entry.label(obj) if entry else str(obj)


def field_choice_label(formfield: Any, related_model: type[Model] | None) -> Any:
    """Give a foreign-key form field (a select or a picker) the registered label."""
    entry = _labels.get(related_model) if related_model else None
    if formfield is not None and entry is not None and hasattr(formfield, "label_from_instance"):
        formfield.label_from_instance = entry.label
        queryset = getattr(formfield, "queryset", None)
        if queryset is not None and entry.select_related:
            formfield.queryset = queryset.select_related(*entry.select_related)
    return formfield


def may_edit(model_admin: Any, request: HttpRequest) -> bool:
    """May this user add or change records of this admin (the people who fill its pickers)?"""
    return bool(model_admin.has_add_permission(request) or model_admin.has_change_permission(request))


class PickerJsonView(AutocompleteJsonView):
    """The autocomplete endpoint: for the editors of the source record, people by name."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.source_admin = None
        return super().get(request, *args, **kwargs)

    def process_request(self, request: HttpRequest) -> Any:
        term, model_admin, source_field, to_field_name = super().process_request(request)
        source_admin = self.admin_site._registry.get(source_field.model)
        if source_admin is None or source_field.name not in source_admin.get_autocomplete_fields(request):
            raise PermissionDenied
        self.source_admin = source_admin
        return term, model_admin, source_field, to_field_name

    def has_perm(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.source_admin is not None and may_edit(self.source_admin, request)

    def get_queryset(self) -> QuerySet:
        qs = super().get_queryset()
        entry = _labels.get(qs.model)
        if entry is not None:
            if entry.filter:
                qs = qs.filter(**entry.filter)
            if entry.select_related:
                qs = qs.select_related(*entry.select_related)
            if entry.ordering:
                qs = qs.order_by(*entry.ordering)
        return qs

    def serialize_result(self, obj: Any, to_field_name: str) -> dict[str, str]:
        return {"id": str(getattr(obj, to_field_name)), "text": label_for(obj)}


def install(site: Any) -> None:
    """Answer the site's /admin/autocomplete/ with the picker view."""

    def autocomplete_view(request: HttpRequest) -> HttpResponse:
        return PickerJsonView.as_view(admin_site=site)(request)

    site.autocomplete_view = autocomplete_view
