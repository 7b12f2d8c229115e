"""Retention: how long each kind of record is kept, and why.

Each app registers its policies (`register_policy`) in its AppConfig.ready(); the periods
are settings (`RETENTION_DAYS`, overridable per key) so that the office can follow its own
selection list. A periodic task applies them: records past their period are deleted or
pseudonymised, and every run is recorded as an Event (`retention.applied`) with the counts.

The change history and the evidence of accepted checks are never removed by this task
(DESIGN: kept at least seven years); removing sealed history would also break the hash chain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

DELETE = "delete"
PSEUDONYMISE = "pseudonymise"


@dataclass(frozen=True)
class Policy:
    key: str  # settings key in RETENTION_DAYS
    model: str  # "app_label.ModelName"
    date_field: str  # the period runs from this date
    default_days: int
    reason: str  # the legal or business reason, shown in the README and the admin
    action: str = DELETE
    # for PSEUDONYMISE: turns the expired queryset into "no longer personal" rows; returns a count
    pseudonymise: Callable[[models.QuerySet], int] | None = None
    # extra filter, e.g. only closed records
    condition: Callable[[], models.Q] | None = None

    @property
    def days(self) -> int:
        return int(getattr(settings, "RETENTION_DAYS", {}).get(self.key, self.default_days))

    def expired(self, now: datetime) -> models.QuerySet:
        model = apps.get_model(self.model)
        queryset = model._default_manager.filter(**{f"{self.date_field}__lt": now - timedelta(days=self.days)})
        return queryset.filter(self.condition()) if self.condition else queryset


_policies: dict[str, Policy] = {}


def register_policy(policy: Policy) -> Policy:
    _policies[policy.key] = policy
    return policy


def policies() -> list[Policy]:
    return sorted(_policies.values(), key=lambda p: p.key)


def apply_retention(now: datetime | None = None) -> dict[str, int]:
    """Apply every policy once; returns {policy key: records removed or pseudonymised}."""
    from .models import Event

    now = now or timezone.now()
    done: dict[str, int] = {}
    for policy in policies():
        with transaction.atomic():
            expired = policy.expired(now)
            if policy.action == PSEUDONYMISE and policy.pseudonymise:
                count = policy.pseudonymise(expired)
            else:
                count, _detail = expired.delete()
            done[policy.key] = count
    if any(done.values()):
        Event.objects.create(
            name="retention.applied", object_repr="retention", data={"counts": done, "at": now.isoformat()}
        )
    return done
