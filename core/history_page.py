"""The change history as an auditor reads it: per object (the admin's "Geschiedenis" button)
and for everything (the admin's list of history records).

Each record shows when (Europe/Amsterdam, to the minute), who (full name; "systeem" when no
person did it), through what (core.history.CHANNELS), what changed (field labels, choice
labels, related objects as links, "—" for empty) and whether the record is sealed: its seal's
HMAC (core/seal.py) is recomputed for each shown record, which costs no query.

A page of 50 records takes a fixed number of queries, however many records it shows: the
records with their author and seal in one query, and each kind of related object the
changes name in one query.
"""

from __future__ import annotations

import contextlib
import hmac
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .formatting import EMPTY, day, moment, number, yes_no
from .history import CHANNELS

PER_PAGE = 50

ACTIONS = {
    LogEntry.Action.CREATE: _("aangemaakt"),
    LogEntry.Action.UPDATE: _("gewijzigd"),
    LogEntry.Action.DELETE: _("verwijderd"),
    LogEntry.Action.ACCESS: _("ingezien"),
}
SEALED, UNSEALED, BROKEN = "sealed", "unsealed", "broken"
SEAL_LABELS = {
    SEALED: _("verzegeld"),
    UNSEALED: _("nog niet verzegeld"),
    BROKEN: _("verzegeling klopt niet"),
}


@dataclass
class Change:
    label: str
    before: Any
    after: Any


@dataclass
class Row:
    entry: LogEntry
    when: str
    who: str
    via: str
    action: str
    subject: Any
    seal: str
    seal_label: str
    changes: list[Change] = field(default_factory=list)


def _model_field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        # a foreign key may be recorded under its column name ("owner_id")
        if name.endswith("_id"):
            return _model_field(model, name[:-3])
        return None
    return found if isinstance(found, models.Field) else None


def _label(model: type[models.Model] | None, name: str) -> str:
    """The field's label; for a reverse relation, the related records' plural name."""
    model_field = _model_field(model, name)
    if model_field is not None:
        return capfirst(str(model_field.verbose_name))
    if model is not None:
        with contextlib.suppress(FieldDoesNotExist):
            relation = model._meta.get_field(name)
            if relation.related_model is not None:
                return capfirst(str(relation.related_model._meta.verbose_name_plural))
    return name


# A relation without an object, as django-auditlog writes it ("privacy.DataBreach.None").
NO_OBJECT = re.compile(r"^\w+\.\w+\.None$")


def _empty(value: Any) -> bool:
    if isinstance(value, str) and NO_OBJECT.match(value):
        return True
    return value is None or value in ("", "None", "null", [], {})


def _admin_link(user: Any, model: type[models.Model], pk: Any, text: str) -> Any:
    """`text`, linked to the object's admin page when this user may see it."""
    opts = model._meta
    if not (
        user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
        or user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
    ):
        return text
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
    except NoReverseMatch:
        return text
    return format_html('<a href="{}">{}</a>', url, text)


def _choice_label(model_field: models.Field, value: Any) -> str:
    labels = {str(key): label for key, label in model_field.flatchoices}
    return str(labels.get(str(value), value))


class _Related:
    """Related objects named in the changes of a page, fetched once per model."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[str]] = defaultdict(set)
        self.found: dict[tuple[type[models.Model], str], models.Model] = {}

    def want(self, model: type[models.Model], value: Any) -> None:
        if not _empty(value):
            self.wanted[model].add(str(value))

    def fetch(self) -> None:
        for model, keys in self.wanted.items():
            pk_field = model._meta.pk
            valid = []
            for key in keys:
                with contextlib.suppress(ValidationError):  # a value that is no key of that model
                    valid.append(pk_field.to_python(key))
            manager = model._base_manager
            for obj in manager.filter(pk__in=valid):
                self.found[(model, str(obj.pk))] = obj

    def show(self, user: Any, model: type[models.Model], value: Any) -> Any:
        if _empty(value):
            return EMPTY
        obj = self.found.get((model, str(value)))
        if obj is None:
            return gettext("%(model)s %(key)s (niet meer aanwezig)") % {
                "model": model._meta.verbose_name,
                "key": value,
            }
        return _admin_link(user, model, obj.pk, str(obj))


def _show_value(user: Any, model_field: models.Field | None, value: Any, related: _Related) -> Any:
    if _empty(value):
        return EMPTY
    if model_field is None:
        return str(value)
    if model_field.is_relation and model_field.related_model is not None and not model_field.many_to_many:
        return related.show(user, model_field.related_model, value)
    if model_field.choices:
        return _choice_label(model_field, value)
    if isinstance(model_field, models.BooleanField):
        return yes_no(value)
    if isinstance(model_field, models.DateTimeField):
        return moment(value)
    if isinstance(model_field, models.DateField):
        return day(value)
    if isinstance(model_field, models.DecimalField | models.FloatField):
        return number(value)
    return str(value)


def _m2m(value: dict[str, Any]) -> tuple[str, str]:
    names = ", ".join(str(name) for name in value.get("objects", [])) or EMPTY
    if value.get("operation") == "delete":
        return names, EMPTY
    return EMPTY, names


def _who(entry: LogEntry) -> str:
    actor = entry.actor
    if actor is None:
        return gettext("systeem")
    return actor.get_full_name() or actor.get_username()


def _via(entry: LogEntry) -> str:
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    via = data.get("via")
    if via in CHANNELS:
        return str(CHANNELS[via])
    return gettext("niet vastgelegd")


def seal_status(entry: LogEntry) -> str:
    """Sealed (its seal's HMAC matches the record), not sealed yet, or broken."""
    from .seal import seal_digest

    try:
        seal = entry.seal
    except LogEntry.seal.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return UNSEALED
    return SEALED if hmac.compare_digest(seal_digest(seal, entry), seal.hash) else BROKEN


def _changes(entry: LogEntry) -> dict[str, Any]:
    try:
        changes = entry.changes_dict
    except Exception:
        return {}
    return changes if isinstance(changes, dict) else {}


def build_rows(entries: list[LogEntry], user: Any, with_subject: bool) -> list[Row]:
    related = _Related()
    models_of = {}
    for entry in entries:
        model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
        models_of[entry.pk] = model
        for name, value in _changes(entry).items():
            model_field = _model_field(model, name)
            if (
                model_field is not None
                and model_field.is_relation
                and model_field.related_model is not None
                and not model_field.many_to_many
                and isinstance(value, list | tuple)
            ):
                for side in value[:2]:
                    related.want(model_field.related_model, side)
    related.fetch()

    rows = []
    for entry in entries:
        model = models_of[entry.pk]
        changes = []
        for name, value in _changes(entry).items():
            model_field = _model_field(model, name)
            label = _label(model, name)
            if isinstance(value, dict) and value.get("type") == "m2m":
                before, after = _m2m(value)
            elif isinstance(value, list | tuple) and len(value) == 2:
                before = _show_value(user, model_field, value[0], related)
                after = _show_value(user, model_field, value[1], related)
            else:
                before, after = EMPTY, _show_value(user, model_field, value, related)
            if before == EMPTY and after == EMPTY:
                continue  # nothing to read (an empty relation recorded on creation)
            changes.append(Change(label=label, before=before, after=after))
        subject: Any = ""
        if with_subject:
            kind = capfirst(str(model._meta.verbose_name)) if model is not None else entry.content_type.name
            text = f"{kind}: {entry.object_repr}"
            subject = (
                _admin_link(user, model, entry.object_pk, text)
                if model is not None and entry.action != LogEntry.Action.DELETE
                else text
            )
        status = seal_status(entry)
        rows.append(
            Row(
                entry=entry,
                when=moment(entry.timestamp),
                who=_who(entry),
                via=_via(entry),
                action=str(ACTIONS.get(entry.action, entry.action)),
                subject=subject,
                seal=status,
                seal_label=str(SEAL_LABELS[status]),
                changes=changes,
            )
        )
    return rows


def history_page(request: Any, queryset: models.QuerySet, with_subject: bool) -> dict[str, Any]:
    """The context of one page of history: `rows`, `page_obj`, `paginator`."""
    queryset = queryset.select_related("actor", "seal").order_by("-timestamp", "-pk")
    paginator = Paginator(queryset, PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("p") or request.GET.get("page"))
    return {
        "rows": build_rows(list(page_obj.object_list), request.user, with_subject),
        "page_obj": page_obj,
        "paginator": paginator,
        "with_subject": with_subject,
        "seal_labels": SEAL_LABELS,
    }
