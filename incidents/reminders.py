"""Reminder source: the owner of an incident that has stayed in one status longer than
its severity allows (settings.INCIDENTS_STATUS_MAX_HOURS) is reminded, and the owner's
manager once more after the same time again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from core.reminders import DueItem, Stage, register_source

from .choices import Status
from .models import Incident
from .workflow import OPEN_STATUSES


def overdue_incidents(now: datetime) -> Iterator[tuple[Incident, datetime, timedelta]]:
    """(incident, deadline, allowed time) of every open incident past its status deadline."""
    limits = {severity: timedelta(hours=hours) for severity, hours in settings.INCIDENTS_STATUS_MAX_HOURS.items()}
    if not limits:
        return
    overdue = Q()
    for severity, allowed in limits.items():
        overdue |= Q(severity=severity, status_changed_at__lte=now - allowed)
    query = Incident.objects.filter(overdue, status__in=OPEN_STATUSES, owner__isnull=False).select_related("owner")
    for incident in query.order_by("status_changed_at", "pk"):
        allowed = limits[incident.severity]
        yield incident, incident.status_changed_at + allowed, allowed


@register_source("incidents.status_overdue")
def status_overdue(now: datetime) -> Iterator[DueItem]:
    for incident, deadline, allowed in overdue_incidents(now):
        # One code per stay in a status: a later stay in the same status is reminded again.
        stay = f"{incident.status}-{int(incident.status_changed_at.timestamp())}"
        yield DueItem(
            obj=incident,
            recipient=incident.owner,
            due=deadline,
            title=_("%(ref)s staat te lang in status ‘%(status)s’ (%(title)s)")
            % {"ref": incident.reference, "status": Status(incident.status).label, "title": incident.title},
            url=f"{settings.SITE_URL}{incident.get_absolute_url()}",
            kind=_("Incidenten"),
            stages=(
                Stage(code=stay, at=deadline, label=_("te lang in deze status")),
                Stage(code=f"{stay}-escalate", at=deadline + allowed, label=_("opgeschaald"), escalation=True),
            ),
            escalate=True,
        )
