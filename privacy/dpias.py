"""The DPIA workflow: draft -> in review -> DPO advice -> decided, each move recorded."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import formatting
from core.models import log_event
from core.moments import refuse_future

from .models import DPIA, DPIATransition

Status = DPIA.Status

# Moves allowed by hand (advice and decision have their own functions).
ALLOWED = {
    (Status.DRAFT, Status.IN_REVIEW),
    (Status.IN_REVIEW, Status.DRAFT),
}


def _move(dpia: DPIA, to: str, actor: Any, note: str = "") -> None:
    before = dpia.status
    dpia.status = to
    dpia.save()
    DPIATransition.objects.create(dpia=dpia, from_status=before, to_status=to, by=_user(actor), note=note)
    log_event(dpia, f"dpia.{to}", actor=actor, from_status=before)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def move(dpia: DPIA, to: str, actor: Any, note: str = "") -> DPIA:
    """Send a draft for review, or a review back to draft."""
    dpia = DPIA.objects.select_for_update().get(pk=dpia.pk)
    validate_move(dpia, to)
    _move(dpia, to, actor, note)
    return dpia


@transaction.atomic
def record_dpo_advice(dpia: DPIA, advice: str, actor: Any, on: date | None = None) -> DPIA:
    """The FG's advice on a DPIA in review."""
    dpia = DPIA.objects.select_for_update().get(pk=dpia.pk)
    validate_advice(dpia, advice)
    dpia.dpo_advice = advice.strip()
    dpia.dpo_advice_on = on or timezone.localdate()
    dpia.dpo_advice_by = _user(actor)
    if dpia.status == Status.IN_REVIEW:
        _move(dpia, Status.DPO_ADVICE, actor)
    else:
        dpia.save()
    return dpia


def validate_decision(dpia: DPIA, decision: str, on: date) -> None:
    if dpia.status != Status.DPO_ADVICE or not dpia.dpo_advice:
        raise ValidationError(_("Een besluit kan pas na het advies van de FG"))
    if decision not in DPIA.Decision.values:
        raise ValidationError({"decision": _("Onbekend besluit")})
    if dpia.dpo_advice_on and on < dpia.dpo_advice_on:
        raise ValidationError(_("Het besluit kan niet vóór het advies vallen"))
    refuse_future(on=on)


def validate_advice(dpia: DPIA, advice: str) -> None:
    if dpia.status not in (Status.IN_REVIEW, Status.DPO_ADVICE):
        raise ValidationError(_("Advies van de FG kan pas als de DPIA in beoordeling is"))
    if not advice.strip():
        raise ValidationError({"advice": _("Het advies is leeg")})


def validate_move(dpia: DPIA, to: str) -> None:
    if (dpia.status, to) not in ALLOWED:
        raise ValidationError(
            _("Van %(a)s naar %(b)s kan niet") % {"a": Status(dpia.status).label, "b": Status(to).label}
        )


@transaction.atomic
def decide(dpia: DPIA, decision: str, actor: Any, on: date | None = None, notes: str = "") -> DPIA:
    """The decision; refused without the DPO's advice."""
    dpia = DPIA.objects.select_for_update().get(pk=dpia.pk)
    on = on or timezone.localdate()
    validate_decision(dpia, decision, on)
    dpia.decision = decision
    dpia.decided_on = on
    dpia.decided_by = _user(actor)
    dpia.decision_notes = notes
    _move(dpia, Status.DECIDED, actor, notes)
    return dpia


def _given_day(on: date | None, reason: str) -> date | None:
    """A day other than today for advice or decision: only with a reason, never in the future."""
    if on is None or on == timezone.localdate():
        return None
    if on > timezone.localdate():
        raise ValidationError({"on": _("De datum ligt in de toekomst")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Geef de reden voor een andere datum dan vandaag")})
    return on


def _note_moment(dpia: DPIA, on: date, reason: str, actor: Any) -> None:
    """Record the given day and its reason with the step just made (the DPIA's timeline)."""
    text = _("Datum opgegeven: %(on)s. Reden: %(reason)s") % {"on": formatting.day(on), "reason": reason.strip()}
    last = dpia.transitions.order_by("-at", "-pk").first()
    if last is not None:
        last.note = f"{last.note}\n{text}".strip()
        last.save(update_fields=["note"])
    log_event(dpia, "dpia.moment_given", actor=actor, on=on.isoformat(), reason=reason.strip())


@transaction.atomic
def advise(dpia: DPIA, advice: str, actor: Any, on: date | None = None, reason: str = "") -> DPIA:
    """The advice button: today, or another (past) day with a reason on the timeline."""
    given = _given_day(on, reason)
    dpia = record_dpo_advice(dpia, advice, actor, given)
    if given is not None:
        _note_moment(dpia, given, reason, actor)
    return dpia


@transaction.atomic
def decide_now(
    dpia: DPIA, decision: str, actor: Any, notes: str = "", on: date | None = None, reason: str = ""
) -> DPIA:
    """The decision button: today, or another (past) day with a reason on the timeline."""
    given = _given_day(on, reason)
    dpia = decide(dpia, decision, actor, given, notes)
    if given is not None:
        _note_moment(dpia, given, reason, actor)
    return dpia
