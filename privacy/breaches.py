"""Recording the Art. 33 notification of a data breach, or the decision not to notify."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import log_event

from .models import DataBreach


def _check_open(breach: DataBreach) -> None:
    if breach.reported_to_ap_at:
        raise ValidationError(_("Dit datalek is al gemeld bij de AP / already reported"))
    if breach.not_reported_decided_at:
        raise ValidationError(_("Er is al besloten dit datalek niet te melden / already decided not to report"))


def validate_report(breach: DataBreach, at: datetime, reference: str, late_reason: str = "") -> None:
    """Raise a ValidationError naming the field when the notification cannot be recorded."""
    _check_open(breach)
    if at < breach.aware_at:
        raise ValidationError(
            {
                "reported_to_ap_at": _(
                    "De melding kan niet vóór het moment van bekend worden liggen / report before aware"
                )
            }
        )
    if at > timezone.now():
        raise ValidationError({"reported_to_ap_at": _("De melding ligt in de toekomst / report in the future")})
    if not reference.strip():
        raise ValidationError({"ap_reference": _("Vul het meldnummer van de AP in / AP reference required")})
    if at > breach.deadline and not late_reason.strip():
        raise ValidationError(
            {
                "late_reason": _(
                    "Na 72 uur gemeld: geef de reden van de vertraging (Art. 33 lid 1) / reason for delay required"
                )
            }
        )


@transaction.atomic
def report_to_ap(
    breach: DataBreach, at: datetime, reference: str, actor: Any = None, late_reason: str = ""
) -> DataBreach:
    """Record the notification to the AP; refused before the moment of becoming aware, and
    after the 72-hour deadline without a reason for the delay."""
    breach = DataBreach.objects.select_for_update().get(pk=breach.pk)
    validate_report(breach, at, reference, late_reason)
    late = at > breach.deadline
    breach.reported_to_ap_at = at
    breach.ap_reference = reference.strip()
    breach.late_reason = late_reason.strip() if late else ""
    breach.save()
    log_event(breach, "breach.reported_to_ap", actor=actor, reference=breach.ap_reference, late=late)
    return breach


@transaction.atomic
def decide_not_to_report(breach: DataBreach, reasons: str, actor: Any = None, at: datetime | None = None) -> DataBreach:
    breach = DataBreach.objects.select_for_update().get(pk=breach.pk)
    _check_open(breach)
    if not reasons.strip():
        raise ValidationError({"not_reported_reasons": _("Geef de redenen om niet te melden / reasons required")})
    breach.not_reported_decided_at = at or timezone.now()
    breach.not_reported_reasons = reasons.strip()
    breach.save()
    log_event(breach, "breach.not_reported", actor=actor)
    return breach
