"""The reminder engine's public interface.

Every app that has things falling due registers a *source*: a function that, given
the current time, yields `DueItem`s. The engine (the sweep) turns each item into
reminder stages, records each reminder before it is sent, and sends one digest
e-mail per person per sweep. The core never imports the apps that register here.

    from compliance.reminders import DueItem, register_source

    @register_source("privacy.breach_deadline")
    def breach_deadlines(now):
        for breach in DataBreach.objects.open_deadlines():
            yield DueItem(obj=breach, recipient=user, due=breach.deadline, ...)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Stage:
    """One reminder moment: `code` is unique per item (e.g. "before-14", "due",
    "overdue-1", "escalate", "h24"); it goes out once `at` has passed."""

    code: str
    at: datetime
    label: str = ""
    escalation: bool = False


@dataclass(frozen=True)
class DueItem:
    obj: models.Model
    recipient: Any  # a User with an e-mail address
    due: date | datetime
    title: str
    url: str = ""
    kind: str = ""  # shown as the heading the item is grouped under in the digest
    # Custom stages (e.g. a breach's 24/48/66 hours); empty: the engine's default stages.
    stages: Sequence[Stage] = field(default_factory=tuple)
    # Escalate to the recipient's manager when overdue (default stages only).
    escalate: bool = True


Source = Callable[[datetime], Iterable[DueItem]]
_sources: dict[str, Source] = {}


def register_source(name: str) -> Callable[[Source], Source]:
    """Decorator: register a source of due items under a unique name."""

    def decorator(func: Source) -> Source:
        _sources[name] = func
        return func

    return decorator


def sources() -> dict[str, Source]:
    return dict(_sources)
