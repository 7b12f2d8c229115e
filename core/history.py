"""Change history: every domain model is registered with django-auditlog, which
records who changed what, when, with the values before and after.

`QuerySet.update()` and `bulk_create()` send no signals; code that uses them
records the change itself with `record_bulk_change()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import AppConfig
from django.contrib.contenttypes.models import ContentType
from django.db import models

# Fields that never belong in a history record.
SECRET_FIELDS = ("password",)


def track_app(app_config: AppConfig, exclude: Iterable[str] = ()) -> None:
    """Register every concrete model of an app (except `exclude`) for change history."""
    excluded = set(exclude)
    for model in app_config.get_models():
        if model._meta.model_name in excluded or auditlog.contains(model):
            continue
        m2m = [f.name for f in model._meta.get_fields() if isinstance(f, models.ManyToManyField)]
        auditlog.register(model, m2m_fields=m2m, exclude_fields=list(SECRET_FIELDS))


def track_model(model: type[models.Model], **kwargs: Any) -> None:
    if not auditlog.contains(model):
        auditlog.register(model, **kwargs)


def record_bulk_change(
    model: type[models.Model],
    changes: dict[Any, dict[str, list[Any]]],
    action: int = LogEntry.Action.UPDATE,
    actor: Any = None,
) -> None:
    """Record a change made with update() or bulk_create(): `changes` maps a primary
    key to {field: [before, after]}."""
    content_type = ContentType.objects.get_for_model(model)
    LogEntry.objects.bulk_create(
        LogEntry(
            content_type=content_type,
            object_pk=str(pk),
            object_id=pk if isinstance(pk, int) else None,
            object_repr=f"{model._meta.verbose_name} {pk}",
            action=action,
            changes={field: [str(a), str(b)] for field, (a, b) in fields.items()},
            actor=actor,
        )
        for pk, fields in changes.items()
    )
