"""The compliance app's own reminder sources: checks falling due (to their owner and
evidence owner), follow-up actions and policy reviews."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from compliance.models import CheckStatus, Control, ControlCheck, FollowUpAction, Policy
from core import formatting
from core.reminders import DueItem, ItemRef, register_source, reminder_window

CHUNK = 2000


@register_source("compliance.checks")
def checks_due(now: datetime) -> Iterator[DueItem]:
    # a retired (inactive) control causes no reminders; its unsubmitted checks are cancelled
    checks = ControlCheck.objects.filter(
        status__in=[CheckStatus.OPEN, CheckStatus.REJECTED],
        due_date__lte=reminder_window(now),
        control__active=True,
    ).order_by("pk")
    # A few hundred people own thousands of checks: load each person once, not per check.
    people = _users(checks)
    controls = Control.objects.filter(pk__in=checks.values("control")).values_list("pk", "code", "title")
    names = {pk: f"{code} {title}" for pk, code, title in controls}
    kind = str(_("Periodieke controles"))
    # reverse() once, not once per check: the sweep reads every check falling due.
    url = reverse("check-page", args=[0]).removesuffix("0/") + "{}/"
    periods: dict[tuple[Any, Any], str] = {}  # (start, end) -> its text: a few hundred periods
    # Tuples, not model instances: the sweep reads every check falling due, and what it
    # needs of each is these seven values (the dates' texts are cached in core.formatting).
    rows = checks.values_list(
        "pk", "control_id", "period_start", "period_end", "due_date", "owner_id", "evidence_owner_id"
    )
    for pk, control_id, period_start, period_end, due_date, owner_id, evidence_owner_id in rows.iterator(
        chunk_size=CHUNK
    ):
        period = (period_start, period_end)
        if period not in periods:
            periods[period] = f"{formatting.day(period_start)} – {formatting.day(period_end)}"
        title = f"{names[control_id]} ({periods[period]})"
        check = ItemRef(ControlCheck, pk)
        check_url = url.format(pk)
        for recipient_id in {owner_id, evidence_owner_id} - {None}:
            yield DueItem(
                obj=check,
                recipient=people[recipient_id],
                due=due_date,
                title=title,
                url=check_url,
                kind=kind,
            )


def _users(checks: QuerySet[ControlCheck]) -> dict[int, Any]:
    pairs = checks.order_by().values_list("owner_id", "evidence_owner_id").distinct()
    ids = {user_id for pair in pairs for user_id in pair if user_id is not None}
    return get_user_model().objects.in_bulk(ids)


@register_source("compliance.actions")
def actions_due(now: datetime) -> Iterator[DueItem]:
    actions = FollowUpAction.objects.filter(
        status__in=[FollowUpAction.Status.OPEN, FollowUpAction.Status.IN_PROGRESS], due_date__lte=reminder_window(now)
    ).select_related("owner")
    for action in actions.order_by("pk").iterator(chunk_size=CHUNK):
        yield DueItem(
            obj=action,
            recipient=action.owner,
            due=action.due_date,
            title=action.title,
            url=action.get_absolute_url(),
            kind=str(_("Actiepunten")),
        )


@register_source("compliance.policies")
def policy_reviews(now: datetime) -> Iterator[DueItem]:
    policies = Policy.objects.filter(active=True, next_review__lte=reminder_window(now)).select_related("owner")
    for policy in policies.order_by("pk").iterator(chunk_size=CHUNK):
        yield DueItem(
            obj=policy,
            recipient=policy.owner,
            due=policy.next_review,  # type: ignore[arg-type]
            title=str(_("Beoordeling van %(title)s") % {"title": policy.title}),
            url=policy.get_absolute_url(),
            kind=str(_("Beleidsbeoordelingen")),
        )
