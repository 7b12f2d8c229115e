"""Who read what: a tiny hook so the core can report access without importing `reports`.

The core (evidence downloads, exports) calls `notify_access(user, action, **details)`;
the reports app subscribes with `on_access(callback)` in its AppConfig.ready() and writes
the access log. With nobody subscribed, notifying does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

AccessCallback = Callable[..., Any]
_callbacks: list[AccessCallback] = []


def on_access(callback: AccessCallback) -> AccessCallback:
    """Subscribe `callback(user, action, **details)`; usable as a decorator."""
    if callback not in _callbacks:
        _callbacks.append(callback)
    return callback


def notify_access(user: Any, action: str, **details: Any) -> None:
    """Tell every subscriber that `user` did `action` (export, download) with `details`
    (name, model, filters, format, rows, object, sha256)."""
    for callback in list(_callbacks):
        callback(user, action, **details)
