"""The compliance app's own reminder sources: checks falling due (to their owner and
evidence owner), follow-up actions and policy reviews."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import CheckStatus, ControlCheck, FollowUpAction, Policy
from .reminders import DueItem, register_source, reminder_window

CHUNK = 2000


@register_source("compliance.checks")
def checks_due(now: datetime) -> Iterator[DueItem]:
    checks = (
        ControlCheck.objects.filter(
            status__in=[CheckStatus.OPEN, CheckStatus.REJECTED], due_date__lte=reminder_window(now)
        )
        .select_related("control", "owner", "evidence_owner")
        .order_by("pk")
    )
    kind = str(_("Periodieke controles"))
    # reverse() once, not once per check: the sweep reads every check falling due.
    url = reverse("check-page", args=[0]).removesuffix("0/") + "{}/"
    for check in checks.iterator(chunk_size=CHUNK):
        period = f"{check.period_start:%d-%m-%Y}–{check.period_end:%d-%m-%Y}"
        title = f"{check.control.code} {check.control.title} ({period})"
        recipients = [check.owner]
        if check.evidence_owner and check.evidence_owner_id != check.owner_id:
            recipients.append(check.evidence_owner)
        for recipient in recipients:
            yield DueItem(
                obj=check,
                recipient=recipient,
                due=check.due_date,
                title=title,
                url=url.format(check.pk),
                kind=kind,
            )


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
