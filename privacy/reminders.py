"""Reminder sources of the privacy app (see core/reminders.py for the interface)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from core import formatting
from core.reminders import DueItem, Stage, register_source

from . import workshops
from .models import DPIA, DataBreach, ProcessingActivity, Registration

# Hours after becoming aware at which the privacy officers are reminded of an open breach.
BREACH_STAGE_HOURS = (24, 48, 66)


def _url(obj: object) -> str:
    return settings.SITE_URL + obj.get_absolute_url()  # type: ignore[attr-defined]


def privacy_officers() -> list:
    return list(
        get_user_model()
        .objects.filter(groups__name=roles.PRIVACY_OFFICER, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def breach_stages(breach: DataBreach) -> list[Stage]:
    stages = [
        Stage(f"h{hours}", breach.aware_at + timedelta(hours=hours), _("%(h)d uur na bekend worden") % {"h": hours})
        for hours in BREACH_STAGE_HOURS
    ]
    stages.append(Stage("deadline", breach.deadline, _("meldtermijn van 72 uur verstreken")))
    return stages


@register_source("privacy.breach_deadline")
def breach_deadlines(now: datetime) -> Iterator[DueItem]:
    """Open breaches (neither reported nor decided not to report), to every privacy officer."""
    officers = privacy_officers()
    for breach in DataBreach.objects.open_clock().filter(aware_at__lte=now):
        for officer in officers:
            yield DueItem(
                obj=breach,
                recipient=officer,
                due=breach.deadline,
                title=_("Datalek %(ref)s: melden bij de AP of besluiten niet te melden") % {"ref": breach.reference},
                url=_url(breach),
                kind=_("Datalekken (72-uurstermijn)"),
                stages=breach_stages(breach),
                escalate=False,
            )


@register_source("privacy.processing_review")
def processing_reviews(now: datetime) -> Iterator[DueItem]:
    """Register entries whose review date is coming or past, to their owner."""
    horizon = timezone.localdate(now) + timedelta(days=max(settings.REMINDER_DAYS_BEFORE, default=14))
    activities = ProcessingActivity.objects.filter(next_review_on__lte=horizon).select_related("owner")
    for activity in activities:
        yield DueItem(
            obj=activity,
            recipient=activity.owner,
            due=activity.next_review_on,
            title=_("Herziening verwerking %(name)s") % {"name": activity},
            url=_url(activity),
            kind=_("Verwerkingsregister"),
        )


@register_source("privacy.dpia_review")
def dpia_reviews(now: datetime) -> Iterator[DueItem]:
    horizon = timezone.localdate(now) + timedelta(days=max(settings.REMINDER_DAYS_BEFORE, default=14))
    for dpia in DPIA.objects.filter(review_on__lte=horizon).select_related("owner"):
        yield DueItem(
            obj=dpia,
            recipient=dpia.owner,
            due=dpia.review_on,
            title=_("Herziening DPIA %(name)s") % {"name": dpia},
            url=_url(dpia),
            kind=_("DPIA's"),
        )


@register_source("privacy.workshop_tomorrow")
def workshop_tomorrow(now: datetime) -> Iterator[DueItem]:
    """Everyone registered for a session that starts within a day gets one reminder."""
    registrations = Registration.objects.filter(
        status=Registration.Status.REGISTERED,
        session__cancelled=False,
        session__starts_at__gt=now,
        session__starts_at__lte=now + timedelta(days=1),
    ).select_related("session__series", "user")
    for registration in registrations:
        session = registration.session
        yield DueItem(
            obj=registration,
            recipient=registration.user,
            due=session.starts_at,
            title=_("Morgen: %(session)s") % {"session": session},
            url=settings.SITE_URL + registration.get_absolute_url(),
            kind=_("Workshops"),
            stages=[Stage("day-before", registration.reminder_at(), _("de dag ervoor"))],
            escalate=False,
        )


def _duty_item(duty: workshops.Duty, due: date, title: str, kind: str) -> DueItem:
    """Both duties are about the person, and the AVG duty comes back every year: the
    occurrence (kind and due date) keeps their reminders apart."""
    return DueItem(
        obj=duty.person,
        recipient=duty.person.user,
        due=due,
        title=title,
        url=settings.SITE_URL + reverse("privacy:calendar"),
        kind=_("Verplichte workshops"),
        occurrence=f"{kind}-{due.isoformat()}",
    )


@register_source("privacy.onboarding_duty")
def onboarding_duty(now: datetime) -> Iterator[DueItem]:
    """Onboarding within three months of the start date: due soon or overdue (escalates)."""
    today = timezone.localdate(now)
    soon = today + timedelta(days=settings.PRIVACY_DUTY_REMIND_DAYS)
    for duty in workshops.duties(today):
        if duty.onboarding_owed and duty.onboarding_due <= soon:
            title = _("Volg de onboardingworkshop (uiterlijk %(d)s)") % {"d": formatting.day(duty.onboarding_due)}
            yield _duty_item(duty, duty.onboarding_due, title, "onboarding")


@register_source("privacy.avg_workshop_duty")
def avg_workshop_duty(now: datetime) -> Iterator[DueItem]:
    """The yearly AVG workshop: due soon or overdue (escalates to the manager)."""
    today = timezone.localdate(now)
    soon = today + timedelta(days=settings.PRIVACY_DUTY_REMIND_DAYS)
    for duty in workshops.duties(today):
        if duty.avg_due <= soon:
            title = _("Volg de jaarlijkse AVG-workshop (uiterlijk %(d)s)") % {"d": formatting.day(duty.avg_due)}
            yield _duty_item(duty, duty.avg_due, title, "avg")
