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
from .models.breaches import notification_deadline


def _check_open(breach: DataBreach) -> None:
    if breach.reported_to_ap_at:
        raise ValidationError(_("Dit datalek is al gemeld bij de AP"))
    if breach.not_reported_decided_at:
        raise ValidationError(_("Er is al besloten dit datalek niet te melden"))


def validate_report(breach: DataBreach, at: datetime, reference: str, late_reason: str = "") -> None:
    """Raise a ValidationError naming the field when the notification cannot be recorded."""
    _check_open(breach)
    if at < breach.aware_at:
        raise ValidationError({"reported_to_ap_at": _("De melding kan niet vóór het moment van bekend worden liggen")})
    if at > timezone.now():
        raise ValidationError({"reported_to_ap_at": _("De melding ligt in de toekomst")})
    if not reference.strip():
        raise ValidationError({"ap_reference": _("Vul het meldnummer van de AP in")})
    if at > breach.deadline and not late_reason.strip():
        raise ValidationError({"late_reason": _("Na 72 uur gemeld: geef de reden van de vertraging (Art. 33 lid 1)")})


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
        raise ValidationError({"not_reported_reasons": _("Geef de redenen om niet te melden")})
    breach.not_reported_decided_at = at or timezone.now()
    breach.not_reported_reasons = reasons.strip()
    breach.save()
    log_event(breach, "breach.not_reported", actor=actor)
    return breach


@transaction.atomic
def correct_reported_facts(
    breach: DataBreach,
    reason: str,
    actor: Any = None,
    *,
    aware_at: datetime | None = None,
    reported_to_ap_at: datetime | None = None,
    late_reason: str | None = None,
) -> DataBreach:
    """Correct the moment of becoming aware or of the report, after the report to the AP:
    the only way to change them then. Needs a reason; refused when nothing changes or the
    corrected facts are impossible; a correction that makes the report late needs a reason
    for the delay. Logged as the named event `breach.facts_corrected` (with the reason and
    the old and new values) and, as every save, in the change history."""
    breach = DataBreach.objects.select_for_update().get(pk=breach.pk)
    if breach.reported_to_ap_at is None:
        raise ValidationError(_("Dit datalek is nog niet gemeld; wijzig de gegevens gewoon"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Geef de reden van de correctie")})
    new = {
        "aware_at": aware_at or breach.aware_at,
        "reported_to_ap_at": reported_to_ap_at or breach.reported_to_ap_at,
    }
    changes = {name: [getattr(breach, name), value] for name, value in new.items() if getattr(breach, name) != value}
    if not changes:
        raise ValidationError(_("Er is niets te corrigeren"))
    if new["aware_at"] > new["reported_to_ap_at"]:
        raise ValidationError({"aware_at": _("Ligt na de melding bij de AP")})
    if new["reported_to_ap_at"] > timezone.now():
        raise ValidationError({"reported_to_ap_at": _("De melding ligt in de toekomst")})
    late = new["reported_to_ap_at"] > notification_deadline(new["aware_at"])
    delay_reason = (breach.late_reason if late_reason is None else late_reason).strip()
    if late and not delay_reason:
        raise ValidationError({"late_reason": _("Na 72 uur gemeld: geef de reden van de vertraging (Art. 33 lid 1)")})
    breach.aware_at, breach.reported_to_ap_at = new["aware_at"], new["reported_to_ap_at"]
    breach.late_reason = delay_reason if late else ""
    breach._correcting = True
    try:
        breach.save()
    finally:
        breach._correcting = False
    log_event(
        breach,
        "breach.facts_corrected",
        actor=actor,
        reason=reason.strip(),
        changes={name: [old.isoformat(), value.isoformat()] for name, (old, value) in changes.items()},
        late=late,
    )
    return breach
