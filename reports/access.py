"""The access log: `log_access(request_or_user, action, **details)`.

Every export and download path writes here; the core reaches it through
`core.access.notify_access`, which this app subscribes to in its AppConfig.ready().

Known details: name, model, filters, format, rows, object (a model instance or its
description), object_id, object_repr, sha256. Anything else goes to `details`.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AccessLog

_COLUMNS = {"name", "model", "filters", "format", "object_id", "object_repr", "sha256"}


def _user_of(request_or_user: Any) -> Any:
    user = getattr(request_or_user, "user", request_or_user)
    return user if getattr(user, "is_authenticated", False) else None


def log_access(request_or_user: Any, action: str, **details: Any) -> AccessLog:
    """Record that a user exported or downloaded something."""
    user = _user_of(request_or_user)
    columns: dict[str, Any] = {key: details.pop(key) for key in list(details) if key in _COLUMNS}
    rows = details.pop("rows", details.pop("row_count", None))
    obj = details.pop("object", None)
    if isinstance(obj, models.Model):
        meta = obj._meta
        columns.setdefault("model", f"{meta.app_label}.{meta.model_name}")
        columns.setdefault("object_id", str(obj.pk))
        columns.setdefault("object_repr", str(obj)[:255])
    elif obj is not None:
        columns.setdefault("object_repr", str(obj)[:255])
    columns["name"] = str(columns.get("name", ""))[:200]
    columns["filters"] = _jsonable(columns.get("filters") or {})
    return AccessLog.objects.create(
        user=user,
        username=user.get_username() if user else "",
        action=action,
        row_count=rows,
        details=_jsonable(details),
        **columns,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def subscriber(user: Any, action: str, **details: Any) -> None:
    """The callback the core's `notify_access` calls."""
    log_access(user, action, **details)
