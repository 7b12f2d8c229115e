"""Change history: every domain model is registered with django-auditlog, which
records who changed what, when, with the values before and after.

`QuerySet.update()` and `bulk_create()` send no signals; code that uses them
records the change itself with `record_bulk_change()`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import AppConfig
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

# Through what a change was made, kept in a history record's `additional_data["via"]`.
CHANNELS = {
    "admin": _("beheerscherm"),
    "web": _("website"),
    "api": _("API"),
    "task": _("taak"),
    "import": _("import"),
}
_channel: ContextVar[str | None] = ContextVar("waarborg_history_channel", default=None)


@contextmanager
def channel(name: str) -> Iterator[None]:
    """Record every change made inside this block as made through `name` (see CHANNELS)."""
    token = _channel.set(name)
    try:
        yield
    finally:
        _channel.reset(token)


def current_channel() -> str | None:
    return _channel.get()


def stamp_channel(sender: Any, instance: LogEntry, **kwargs: Any) -> None:
    """pre_save of a history record: note the channel it was made through."""
    via = _channel.get()
    if not via or not instance._state.adding:
        return
    data = instance.additional_data
    if data is None:
        data = {}
    elif not isinstance(data, dict):
        data = {"data": data}
    data.setdefault("via", via)
    instance.additional_data = data


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
            additional_data={"via": via} if (via := _channel.get()) else None,
        )
        for pk, fields in changes.items()
    )


_task_tokens: dict[str, Any] = {}


def _task_started(task_id: str | None = None, **kwargs: Any) -> None:
    if task_id:
        _task_tokens[task_id] = _channel.set("task")


def _task_finished(task_id: str | None = None, **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id, None) if task_id else None
    if token is not None:
        try:
            _channel.reset(token)
        except ValueError:  # pragma: no cover - reset in another context
            _channel.set(None)


def connect_channel_signals() -> None:
    """History records note their channel; a Celery task's changes are made through "task"."""
    from celery.signals import task_postrun, task_prerun
    from django.db.models.signals import pre_save

    pre_save.connect(stamp_channel, sender=LogEntry, dispatch_uid="waarborg_history_channel")
    task_prerun.connect(_task_started, dispatch_uid="waarborg_history_channel_start", weak=False)
    task_postrun.connect(_task_finished, dispatch_uid="waarborg_history_channel_end", weak=False)
