"""The admin base every app's ModelAdmin derives from."""

import functools
import re
from collections.abc import Callable
from typing import Any

from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from .filters import MAX_YEAR, MIN_YEAR
from .pickers import field_choice_label, list_column


class PickerLabelMixin:
    """Selects and pickers show people by full name and department (see core/pickers.py)."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        return field_choice_label(formfield, db_field.related_model)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        return field_choice_label(formfield, db_field.related_model)

    # Columns for one kind of reader only, so that a list fits at 1366 px: those who may change
    # the records (their work list: escalation, countdowns) or those who only read them (the
    # auditor: dates that count in the figures). The rest of list_display is for everyone.
    editor_only_columns: tuple[str, ...] = ()
    reader_only_columns: tuple[str, ...] = ()

    def get_list_display(self, request: HttpRequest) -> Any:
        """Owners and other people in a list by full name, not by user name."""
        names = super().get_list_display(request)  # type: ignore[misc]
        if self.editor_only_columns or self.reader_only_columns:
            may_change = self.has_change_permission(request)  # type: ignore[attr-defined]
            hidden = self.reader_only_columns if may_change else self.editor_only_columns
            names = [name for name in names if name not in hidden]
        return [list_column(self.model, name) for name in names]  # type: ignore[attr-defined]


# Head nouns that take "het" (het incident, het datalek, het bewijs, het actiepunt, ...).
HET_NOUNS = (
    "incident",
    "datalek",
    "bewijs",
    "document",
    "punt",
    "onderzoek",
    "kader",
    "antwoord",
    "doel",
    "recht",
    "risico",
    "account",
    "register",
    "apparaat",
    "verslag",
    "besluit",
    "advies",
)


def takes_het(verbose_name: Any) -> bool:
    """Whether a model's (Dutch) name takes "het": its head noun, the last word before any
    parenthesis, ends in one of HET_NOUNS."""
    name = re.sub(r"\s*\(.*\)\s*$", "", str(verbose_name)).strip().lower()
    head = re.split(r"[\s-]", name)[-1] if name else ""
    return head.endswith(HET_NOUNS)


def with_article(message: Any, verbose_name: Any) -> str:
    """Django's Dutch admin messages say "De {name} ...": "Het incident", not "De incident"."""
    text = str(message)
    if not translation.get_language() or not translation.get_language().startswith("nl"):
        return text
    if not takes_het(verbose_name):
        return text
    name = str(verbose_name)
    return re.sub(rf"(^|[.!?] )De {re.escape(name)}\b", rf"\1Het {name}", text).replace(f" de {name} ", f" het {name} ")


def readable(value: Any) -> Any:
    """What a computed admin field shows: moments and dates formatted, "—" for nothing.
    (Django's readonly fields show a method's value as str(): ISO moments and "None".)"""
    from datetime import date, datetime

    from .formatting import EMPTY, day, moment

    if value is None:
        return EMPTY
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, date):
        return day(value)
    return value


def _readable_method(method: Callable[[Any], Any]) -> Callable[[Any], Any]:
    @functools.wraps(method)
    def wrapper(obj: Any) -> Any:
        return readable(method(obj))

    return wrapper


class WaarborgAdmin(PickerLabelMixin, admin.ModelAdmin):
    """The admin's "Geschiedenis" button shows the full change history (admin, API, tasks
    and imports alike), readable: see core/history_page.py."""

    list_per_page = 50
    empty_value_display = "—"

    def __init__(self, model: Any, admin_site: Any) -> None:
        super().__init__(model, admin_site)
        # computed readonly fields (admin methods) show local, formatted moments and "—"
        names = set(self.readonly_fields)
        for _title, options in self.fieldsets or ():
            for entry in options.get("fields", ()):
                names.update(entry if isinstance(entry, list | tuple) else [entry])
        model_fields = {f.name for f in model._meta.get_fields()}
        for name in names:
            if not isinstance(name, str) or name in model_fields:
                continue
            method = getattr(self, name, None)
            if callable(method) and not getattr(method, "boolean", False):
                setattr(self, name, _readable_method(method))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        """Whoever may only view a record does not see the form's input-only fields (a comment
        to add), which would read as an English label over "None"."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        model_names = {f.name for f in self.model._meta.get_fields()}

        def shown(name: Any) -> bool:
            return not isinstance(name, str) or name in model_names or hasattr(self, name) or hasattr(self.model, name)

        result = []
        for title, options in fieldsets:
            fields = []
            for entry in options.get("fields", ()):
                if isinstance(entry, list | tuple):
                    kept = [name for name in entry if shown(name)]
                    if kept:
                        fields.append(tuple(kept))
                elif shown(entry):
                    fields.append(entry)
            if fields:
                result.append((title, {**options, "fields": fields}))
        return result

    def message_user(self, request: HttpRequest, message: Any, *args: Any, **kwargs: Any) -> None:
        super().message_user(request, with_article(message, self.opts.verbose_name), *args, **kwargs)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        from .history_page import history_page

        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        entries = LogEntry.objects.get_for_object(obj)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Geschiedenis van %(object)s") % {"object": obj},
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            **history_page(request, entries, with_subject=False),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/waarborg/history.html", context)


class ReadOnlyAdmin(WaarborgAdmin):
    """For records nobody edits by hand (events, reminders sent)."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def figure_year_filter(
    rule: Callable[[int], Q], title: Any, parameter_name: str, first_year: int = 2015
) -> type[admin.SimpleListFilter]:
    """An admin filter "the records an annual-report figure counts in year X".

    `rule(year)` is the very condition the figure's statistics function counts with, so the
    report's link to this filter lands on exactly the records behind the figure. The choices
    are the years themselves: listing them needs no query."""

    class FigureYearFilter(admin.SimpleListFilter):
        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
            return [(str(y), str(y)) for y in range(timezone.localdate().year, first_year - 1, -1)]

        def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
            value = self.value()
            if not value:
                return queryset
            if not value.isdigit() or not MIN_YEAR <= int(value) <= MAX_YEAR:
                raise IncorrectLookupParameters(f"{parameter_name}={value}")
            return queryset.filter(rule(int(value)))

    FigureYearFilter.title = title
    FigureYearFilter.parameter_name = parameter_name
    return FigureYearFilter
