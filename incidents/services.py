"""The incidents domain: status changes, comments, calamity escalation, follow-up
actions and the SOC intake. The admin, the API and the commands all call these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from compliance.models import FollowUpAction
from core import formatting
from core.models import log_event
from core.moments import event_details, event_moment
from organisation.models import Service

from .choices import CalamityLevel, DetectionSource, Status, TimelineKind
from .models import Calamity, Incident, TimelineEntry

LEVEL_ORDER = list(CalamityLevel.values)


# --- workflow ----------------------------------------------------------------------


def change_status(incident: Incident, status: str, actor: Any, note: str = "") -> Incident:
    """Move an incident to `status` (the transition table in incidents.workflow decides);
    the change lands on the timeline by itself, with `note` as a comment beside it."""
    incident.status = status
    incident.changed_by = actor
    with transaction.atomic():
        incident.save()
        if note:
            add_comment(incident, note, actor)
    return incident


# The moment each status sets by itself (the transition is the moment).
STAMPED = {Status.RESOLVED: "resolved_at", Status.CLOSED: "closed_at"}


def transition(
    incident: Incident, status: str, actor: Any, note: str = "", at: datetime | None = None, reason: str = ""
) -> Incident:
    """A status button: move to `status` now. Resolving and closing take this moment; another
    moment (an outage that ended before it was registered) only with a reason, which lands on
    the timeline beside the change. Refused: a moment in the future or before the start."""
    if at is not None:
        field = STAMPED.get(status)
        if field is None:
            raise ValidationError({"at": gettext_lazy("Alleen oplossen en sluiten leggen een tijdstip vast.")})
        if not (reason or "").strip():
            raise ValidationError({"reason": gettext_lazy("Geef de reden voor een ander tijdstip dan nu.")})
        if at > timezone.now():
            raise ValidationError({"at": gettext_lazy("Het tijdstip ligt in de toekomst.")})
        if at < incident.started_at:
            raise ValidationError({"at": gettext_lazy("Het tijdstip ligt vóór het begin van het incident.")})
        if status == Status.CLOSED and incident.resolved_at and at < incident.resolved_at:
            raise ValidationError({"at": gettext_lazy("Gesloten kan niet vóór het oplossen liggen.")})
        setattr(incident, field, at)
        if status == Status.CLOSED and not incident.resolved_at:
            incident.resolved_at = at
    with transaction.atomic():
        change_status(incident, status, actor, note)
        if at is not None:
            text = gettext_lazy("Tijdstip %(field)s opgegeven: %(at)s. Reden: %(reason)s") % {
                "field": Incident._meta.get_field(STAMPED[status]).verbose_name,
                "at": formatting.moment(at),
                "reason": reason.strip(),
            }
            add_comment(incident, str(text), actor)
            log_event(incident, "incident.moment_given", actor=actor, field=STAMPED[status], at=at.isoformat())
    return incident


def add_comment(incident: Incident, text: str, actor: Any) -> TimelineEntry:
    if not (text or "").strip():
        raise ValidationError({"text": gettext_lazy("Een opmerking mag niet leeg zijn.")})
    return TimelineEntry.objects.create(incident=incident, kind=TimelineKind.COMMENT, actor=_user(actor), text=text)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- calamities --------------------------------------------------------------------


def escalation_reasons(incident: Incident, now: datetime | None = None) -> list[str]:
    """The thresholds this incident crosses (settings INCIDENTS_CALAMITY_*), as sentences."""
    return incident.escalation_reasons(now)


def declare_calamity(
    incident: Incident, level: str, reason: str, actor: Any, at: datetime | None = None, late_reason: str = ""
) -> Calamity:
    """Escalate an incident to a calamity: who, when, at which level and why (required).
    `at`: when it was declared (default now; not in the future, not before the incident
    started; more than a day ago only with `late_reason`); the history records the moment of
    registration beside it, and the figures count `at`."""
    if not (reason or "").strip():
        raise ValidationError({"reason": gettext_lazy("Geef de reden voor het afkondigen van de calamiteit.")})
    if level not in CalamityLevel.values:
        raise ValidationError({"level": gettext_lazy("Onbekend niveau.")})
    if not _user(actor):
        raise ValidationError({"declared_by": gettext_lazy("Een calamiteit wordt door een persoon afgekondigd.")})
    if Calamity.objects.filter(incident=incident).exists():
        raise ValidationError(
            {"level": gettext_lazy("Dit incident is al een calamiteit; schaal op in plaats daarvan.")}
        )
    now = timezone.now()
    at = event_moment(
        at, field="declared_at", not_before=incident.started_at, reason=late_reason, reason_field="late_reason", now=now
    )
    with transaction.atomic():
        calamity = Calamity.objects.create(
            incident=incident, level=level, reason=reason, declared_by=actor, declared_at=at
        )
        TimelineEntry.objects.create(
            incident=incident, kind=TimelineKind.CALAMITY, actor=actor, at=at, to_value=level, text=reason
        )
        log_event(
            incident,
            "calamity.declared",
            actor=actor,
            level=level,
            reason=reason,
            at=at.isoformat(),
            **event_details(at, late_reason, now),
        )
    return calamity


def escalate_calamity(incident: Incident, level: str, reason: str, actor: Any) -> Calamity:
    """Raise a calamity to a higher crisis level (operational → … → administrative)."""
    calamity = Calamity.objects.filter(incident=incident).first()
    if calamity is None:
        raise ValidationError({"level": gettext_lazy("Dit incident is (nog) geen calamiteit.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": gettext_lazy("Geef de reden voor het opschalen.")})
    if level not in LEVEL_ORDER or LEVEL_ORDER.index(level) <= LEVEL_ORDER.index(calamity.level):
        raise ValidationError({"level": gettext_lazy("Opschalen kan alleen naar een hoger niveau.")})
    previous = calamity.level
    with transaction.atomic():
        calamity.level = level
        calamity.save(update_fields=["level"])
        TimelineEntry.objects.create(
            incident=incident,
            kind=TimelineKind.CALAMITY,
            actor=_user(actor),
            from_value=previous,
            to_value=level,
            text=reason,
        )
        log_event(incident, "calamity.escalated", actor=actor, level=level, previous=previous, reason=reason)
    return calamity


# --- follow-up actions -------------------------------------------------------------


def raise_action(source: models.Model, title: str, owner: Any, due_date: date, description: str = "") -> FollowUpAction:
    """A follow-up action (compliance.FollowUpAction) raised by an incident or a lesson."""
    return FollowUpAction.objects.create(
        title=title,
        description=description,
        owner=owner,
        due_date=due_date,
        source_type=ContentType.objects.get_for_model(source),
        source_id=source.pk,
    )


def actions_of(source: models.Model) -> models.QuerySet[FollowUpAction]:
    return FollowUpAction.objects.filter(source_type=ContentType.objects.get_for_model(source), source_id=source.pk)


# --- SOC intake --------------------------------------------------------------------


@dataclass(frozen=True)
class Detection:
    """What the SOC supplier posts (validated by the API serializer)."""

    reference: str
    title: str
    category: str
    severity: str
    detected_at: datetime
    started_at: datetime | None = None
    description: str = ""
    services: tuple[str, ...] = ()  # service slugs


def intake_detection(detection: Detection, actor: Any) -> tuple[Incident, bool]:
    """Create an incident in triage for a SOC detection, once per supplier reference:
    returns (incident, created). A repeated reference returns the existing incident."""
    existing = Incident.objects.filter(supplier_reference=detection.reference).first()
    if existing:
        return existing, False
    incident = Incident(
        supplier_reference=detection.reference,
        title=detection.title,
        description=detection.description,
        category=detection.category,
        severity=detection.severity,
        detection_source=DetectionSource.SOC_SUPPLIER,
        status=Status.TRIAGE,
        detected_at=detection.detected_at,
        started_at=detection.started_at or detection.detected_at,
    )
    incident.changed_by = _user(actor)
    try:
        with transaction.atomic():
            incident.save()
            incident.services.set(Service.objects.filter(slug__in=detection.services))
            log_event(incident, "incident.soc_detection", actor=actor, reference=detection.reference)
    except IntegrityError:
        # The same reference posted twice at the same moment: the other request won.
        return Incident.objects.get(supplier_reference=detection.reference), False
    return incident, True


def status_deadline(incident: Incident) -> datetime | None:
    """When the incident has been in its status longer than its severity allows."""
    hours = settings.INCIDENTS_STATUS_MAX_HOURS.get(incident.severity)
    if hours is None or incident.status == Status.CLOSED:
        return None
    return incident.status_changed_at + timedelta(hours=hours)
