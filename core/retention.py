"""Retention: how long each kind of record is kept, and why.

Each app registers its policies (`register_policy`) in its AppConfig.ready(); the periods
are settings (`RETENTION_DAYS`, overridable per key) so that the office can follow its own
selection list. A periodic task applies them: records past their period are deleted or
pseudonymised, and every run is recorded as an Event (`retention.applied`) with the counts.

The change history and the evidence of accepted checks are never removed by this task
(DESIGN: kept at least seven years); removing sealed history would also break the hash chain.
`register_policy` refuses a policy on the history, and a policy on evidence or checks never
runs with a period shorter than seven years, whatever the settings say.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone

DELETE = "delete"
PSEUDONYMISE = "pseudonymise"
SEVEN_YEARS = 7 * 366
# Never subject to retention: the change history and its seals (hash chain).
NEVER = {"auditlog.logentry", "compliance.historyseal"}
# Kept at least seven years, whatever a policy or the settings say.
AT_LEAST_SEVEN_YEARS = {"compliance.evidence", "compliance.controlcheck", "core.event"}


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
        days = int(getattr(settings, "RETENTION_DAYS", {}).get(self.key, self.default_days))
        return max(days, SEVEN_YEARS) if self.model.lower() in AT_LEAST_SEVEN_YEARS else days

    def expired(self, now: datetime) -> models.QuerySet:
        model = apps.get_model(self.model)
        queryset = model._default_manager.filter(**{f"{self.date_field}__lt": now - timedelta(days=self.days)})
        return queryset.filter(self.condition()) if self.condition else queryset


_policies: dict[str, Policy] = {}


def register_policy(policy: Policy) -> Policy:
    if policy.model.lower() in NEVER:
        raise ValueError(f"{policy.model} is the change history: it is never subject to retention")
    if policy.action == PSEUDONYMISE and policy.pseudonymise is None:
        raise ValueError(f"{policy.key}: a pseudonymising policy needs its pseudonymise function")
    _policies[policy.key] = policy
    return policy


def policies() -> list[Policy]:
    return sorted(_policies.values(), key=lambda p: p.key)


def apply_retention(now: datetime | None = None) -> dict[str, int]:
    """Apply every policy once; returns {policy key: records removed or pseudonymised}.
    Every run is recorded as an Event, also when nothing had expired (proof that it ran)."""
    from .models import Event

    now = now or timezone.now()
    done: dict[str, int] = {}
    kept: dict[str, int] = {}
    for policy in policies():
        with transaction.atomic():
            expired = policy.expired(now)
            if policy.action == PSEUDONYMISE and policy.pseudonymise:
                done[policy.key] = policy.pseudonymise(expired)
            else:
                done[policy.key], kept[policy.key] = _delete(expired)
    Event.objects.create(
        name="retention.applied",
        object_repr="retention",
        data={"counts": done, "kept_protected": {k: n for k, n in kept.items() if n}, "at": now.isoformat()},
    )
    return done


def _delete(expired: models.QuerySet) -> tuple[int, int]:
    """Delete the expired rows and their files (after the commit). A row that another record
    still protects (on_delete=PROTECT, e.g. an incident a data breach refers to) is kept and
    counted; it goes once that record has gone. Returns (deleted, kept)."""
    model = expired.model
    file_fields = [f.name for f in model._meta.get_fields() if isinstance(f, models.FileField)]
    files = [getattr(row, name) for row in (expired.only(*file_fields) if file_fields else []) for name in file_fields]
    try:
        with transaction.atomic():
            deleted = expired.delete()[1].get(model._meta.label, 0)
            kept = 0
    except (ProtectedError, RestrictedError):
        deleted = kept = 0
        for row in expired.iterator():
            try:
                with transaction.atomic():
                    row.delete()
                    deleted += 1
            except (ProtectedError, RestrictedError):
                kept += 1
                files = [f for f in files if f.instance.pk != row.pk]
    names = [(f.storage, f.name) for f in files if f and f.name]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names if storage.exists(name)])
    return deleted, kept
