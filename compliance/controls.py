"""The life of a control's checks: generated ahead on a rolling horizon, kept in step
with the control, submitted by the owner, accepted or rejected by someone else.

The admin, the API, the pages and Celery all call these functions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

from auditlog.models import LogEntry
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance.models import (
    FAILED_RESULTS,
    FREQUENCY_MONTHS,
    CheckResult,
    CheckStatus,
    Control,
    ControlCheck,
    FollowUpAction,
)
from core.history import record_bulk_change
from core.models import log_event
from core.moments import event_details, event_moment, is_future

Period = tuple[date, date]


def period_containing(day: date, frequency: str) -> Period:
    """Periods are calendar months, quarters, halves and years."""
    months = FREQUENCY_MONTHS[frequency]
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    return start, start + relativedelta(months=months) - timedelta(days=1)


def periods(first: date, frequency: str, until: date) -> Iterator[Period]:
    """The periods from the one containing `first` whose start is on or before `until`.
    Crosses year ends freely: a series never stops at 31 December."""
    start, end = period_containing(first, frequency)
    while start <= until:
        yield start, end
        start, end = period_containing(end + timedelta(days=1), frequency)


def horizon_end(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=settings.CHECK_HORIZON_DAYS)


def _next_periods(control: Control, last_end: date | None, until: date) -> Iterator[Period]:
    if last_end is None:
        yield from periods(control.start_date, control.frequency, until)
        return
    # After the last existing check: the first period of the (maybe new) frequency that
    # starts after it, so that periods never overlap.
    for start, end in periods(last_end + timedelta(days=1), control.frequency, until):
        if start > last_end:
            yield start, end


def generate_checks(controls: Iterable[Control] | None = None, today: date | None = None) -> int:
    """Create the missing checks of every active control up to the horizon. Idempotent:
    a second run creates nothing (and concurrent runs are kept apart by the unique
    constraint on control and period). Returns the number created."""
    queryset = Control.objects.filter(active=True)
    if controls is not None:
        queryset = queryset.filter(pk__in=[c.pk for c in controls])
    until = horizon_end(today)
    last_ends = dict(
        ControlCheck.objects.filter(control__in=queryset)
        .values("control")
        .annotate(last=Max("period_end"))
        .values_list("control", "last")
    )
    stamp = timezone.now()
    new = [
        ControlCheck(
            control=control,
            period_start=start,
            period_end=end,
            due_date=end,
            owner_id=control.owner_id,
            evidence_owner_id=control.evidence_owner_id,
            test_method=control.test_method,
            created_at=stamp,
        )
        for control in queryset.iterator()
        for start, end in _next_periods(control, last_ends.get(control.pk), until)
    ]
    if not new:
        return 0
    ControlCheck.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    created = ControlCheck.objects.filter(created_at=stamp, control__in=queryset).values_list("pk", flat=True)
    record_bulk_change(ControlCheck, {pk: {"status": ["", CheckStatus.OPEN]} for pk in created}, LogEntry.Action.CREATE)
    return len(created)


# Fields of a control copied onto its open future checks when they change.
COPIED_FIELDS = ("owner_id", "evidence_owner_id", "test_method")


def _open_future_checks(control: Control, today: date) -> Any:
    """Checks still open whose due date has not passed: never past, submitted or accepted ones."""
    return ControlCheck.objects.filter(control=control, status=CheckStatus.OPEN, due_date__gte=today)


@receiver(pre_save, sender=Control)
def _remember_before_save(sender: type[Control], instance: Control, raw: bool = False, **kwargs: Any) -> None:
    instance._before_save = (  # type: ignore[attr-defined]
        None if raw or not instance.pk else Control.objects.filter(pk=instance.pk).values().first()
    )


@receiver(post_save, sender=Control)
def _sync_after_save(sender: type[Control], instance: Control, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        sync_checks_after_save(instance, getattr(instance, "_before_save", None))


def sync_checks_after_save(control: Control, before: dict[str, Any] | None, today: date | None = None) -> None:
    """After every save of a control: keep the control's checks in step with it."""
    today = today or timezone.localdate()
    if before is not None:
        changed = {f: getattr(control, f) for f in COPIED_FIELDS if before.get(f) != getattr(control, f)}
        if changed:
            _update_future_checks(control, before, changed, today)
        if before.get("frequency") != control.frequency:
            _drop_unstarted_checks(control, today)
    if control.active:
        generate_checks([control], today)


def _update_future_checks(control: Control, before: dict[str, Any], changed: dict[str, Any], today: date) -> None:
    future = _open_future_checks(control, today)
    pks = list(future.values_list("pk", flat=True))
    future.update(**changed)
    record_bulk_change(ControlCheck, {pk: {f: [before.get(f), v] for f, v in changed.items()} for pk in pks})


def _drop_unstarted_checks(control: Control, today: date) -> None:
    """A new frequency: open checks whose period has not started and that hold no evidence
    are removed; generate_checks then continues with the new frequency after the last one."""
    unstarted = _open_future_checks(control, today).filter(period_start__gt=today, evidence__isnull=True)
    pks = list(unstarted.values_list("pk", flat=True))
    ControlCheck.objects.filter(pk__in=pks).delete()
    record_bulk_change(ControlCheck, {pk: {"status": [CheckStatus.OPEN, ""]} for pk in pks}, LogEntry.Action.DELETE)


# --- retiring a control -------------------------------------------------------------------


def retire_control(control: Control, actor: Any, reason: str, on: date | None = None) -> Control:
    """Take a control out of use on `on` (default today; not in the future, not before the
    control's start date) for `reason`. Its checks not yet submitted (open or rejected) that
    fall due after `on` are cancelled, not deleted: they stay visible as cancelled with the
    reason, no longer count as due or overdue and cause no reminders."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Geef de reden om de maatregel buiten gebruik te stellen.")})
    now = timezone.now()
    on = on or timezone.localdate(now)
    if is_future(on, now):
        raise ValidationError(
            {"on": _("Deze datum ligt in de toekomst; alleen wat al gebeurd is kan worden vastgelegd.")}
        )
    with transaction.atomic():
        control = Control.objects.select_for_update().get(pk=control.pk)
        if not control.active:
            raise ValidationError(_("Deze maatregel is al buiten gebruik"))
        if on < control.start_date:
            raise ValidationError({"on": _("De datum ligt vóór de ingangsdatum van de maatregel.")})
        control.active = False
        control.retired_on = on
        control.retired_reason = reason
        control._retiring = True
        control.save()
        cancelled = ControlCheck.objects.filter(
            control=control, status__in=[CheckStatus.OPEN, CheckStatus.REJECTED], due_date__gt=on
        )
        changes = {
            pk: {"status": [status, CheckStatus.CANCELLED]} for pk, status in cancelled.values_list("pk", "status")
        }
        ControlCheck.objects.filter(pk__in=list(changes)).update(status=CheckStatus.CANCELLED, cancel_reason=reason)
        record_bulk_change(ControlCheck, changes)
        log_event(
            control,
            "control.retired",
            actor=actor,
            retired_on=on.isoformat(),
            registered_at=now.isoformat(),
            reason=reason,
            checks_cancelled=len(changes),
        )
    return control


# --- the workflow ----------------------------------------------------------------------


def can_submit(check: ControlCheck, user: Any) -> bool:
    return user.has_perm("compliance.submit_controlcheck") and (
        check.is_assigned_to(user) or user.has_perm("compliance.view_all_checks")
    )


def can_review(check: ControlCheck, user: Any) -> bool:
    return (
        user.has_perm("compliance.review_controlcheck")
        and user.pk != check.submitted_by_id
        and not evidence_added_by(check, user)
    )


def evidence_added_by(check: ControlCheck, user: Any) -> bool:
    """Whether `user` added any evidence (any version) to the check."""
    return user.pk is not None and check.evidence.filter(uploaded_by_id=user.pk).exists()


def _locked(check: ControlCheck) -> ControlCheck:
    """The check, re-read under a row lock so two reviewers cannot both act on it."""
    return ControlCheck.objects.select_for_update().get(pk=check.pk)


def submit_check(
    check: ControlCheck, user: Any, result: str = "", conclusion: str = "", now: datetime | None = None
) -> ControlCheck:
    """open or rejected → submitted. The submitter gives the result and conclusion; from
    here on they are the submitter's and stay as submitted. A control that requires
    evidence (the default) cannot have a check submitted without any."""
    if not can_submit(check, user):
        raise PermissionDenied(_("U mag deze controle niet indienen"))
    if result and result not in CheckResult.values:
        raise ValidationError({"result": _("Onbekend resultaat")})
    with transaction.atomic():
        check = _locked(check)
        if check.status not in (CheckStatus.OPEN, CheckStatus.REJECTED):
            raise ValidationError(_("Alleen een open of afgekeurde controle kan worden ingediend"))
        result = result or check.result
        if result not in CheckResult.values:
            raise ValidationError({"result": _("Geef het resultaat van de controle")})
        if check.control.evidence_required and not check.evidence.exists():
            raise ValidationError({"evidence": _("Voeg eerst bewijs toe; deze maatregel vereist bewijs")})
        check.status = CheckStatus.SUBMITTED
        check.result = result
        check.conclusion = conclusion or check.conclusion
        check.submitted_by = user
        check.submitted_at = now or timezone.now()
        check.reviewed_by = None
        check.reviewed_at = None
        check.save()
        log_event(check, "check.submitted", actor=user, result=check.result)
    return check


def _review(check: ControlCheck, reviewer: Any) -> ControlCheck:
    if not reviewer.has_perm("compliance.review_controlcheck"):
        raise PermissionDenied(_("U mag controles niet beoordelen"))
    check = _locked(check)
    if check.status != CheckStatus.SUBMITTED:
        raise ValidationError(_("Alleen een ingediende controle kan worden beoordeeld"))
    if reviewer.pk == check.submitted_by_id:
        raise ValidationError(_("De beoordelaar mag niet de indiener zijn"))
    return check


def _review_moment(check: ControlCheck, at: datetime | None, late_reason: str) -> datetime:
    """The moment of a review: `at` (or now), not in the future, not before the submission,
    more than a day ago only with a reason."""
    return event_moment(at, field="at", not_before=check.submitted_at, reason=late_reason, reason_field="late_reason")


def accept_check(
    check: ControlCheck,
    reviewer: Any,
    result: str = "",
    note: str = "",
    now: datetime | None = None,
    at: datetime | None = None,
    late_reason: str = "",
) -> ControlCheck:
    """submitted → accepted (four eyes): the reviewer agrees with the submitted result and
    conclusion, which stay the submitter's; `note` is the reviewer's own reasoning, stored
    beside them. A reviewer who disagrees rejects with a reason instead: a `result` other
    than the submitted one is refused. Whoever added evidence to the check may not accept
    it either. A partly or not effective result raises a follow-up action for the owner.
    `at`: when the review really took place (default now; see core.moments.event_moment)."""
    with transaction.atomic():
        check = _review(check, reviewer)
        moment = _review_moment(check, at, late_reason) if at is not None else (now or timezone.now())
        if result and result != check.result:
            raise ValidationError(
                {"result": _("Het resultaat is van de indiener; keur af met een reden als u het er niet mee eens bent")}
            )
        if check.result not in CheckResult.values:
            raise ValidationError({"result": _("Zonder resultaat ingediend: keur af met een reden")})
        if evidence_added_by(check, reviewer):
            raise ValidationError(_("Wie bewijs bij deze controle heeft gevoegd, mag haar niet accepteren"))
        check.status = CheckStatus.ACCEPTED
        check.review_note = note.strip()
        check.reviewed_by = reviewer
        check.reviewed_at = moment
        check.save()
        log_event(
            check,
            "check.accepted",
            actor=reviewer,
            result=check.result,
            note=check.review_note,
            on_time=check.accepted_on_time,
            **(event_details(moment, late_reason) if at is not None else {}),
        )
        if check.result in FAILED_RESULTS:
            raise_follow_up(check)
    return check


def reject_check(
    check: ControlCheck,
    reviewer: Any,
    note: str,
    now: datetime | None = None,
    at: datetime | None = None,
    late_reason: str = "",
) -> ControlCheck:
    """submitted → rejected, with the reviewer's reason. The owner may resubmit a rejected check.
    `at`: when the review really took place (default now; see core.moments.event_moment)."""
    if not (note or "").strip():
        raise ValidationError({"note": _("Geef de reden van afkeuren")})
    with transaction.atomic():
        check = _review(check, reviewer)
        moment = _review_moment(check, at, late_reason) if at is not None else (now or timezone.now())
        check.status = CheckStatus.REJECTED
        check.review_note = note.strip()
        check.reviewed_by = reviewer
        check.reviewed_at = moment
        check.save()
        log_event(
            check,
            "check.rejected",
            actor=reviewer,
            note=check.review_note,
            **(event_details(moment, late_reason) if at is not None else {}),
        )
    return check


def raise_follow_up(check: ControlCheck) -> FollowUpAction:
    """One follow-up action per failed check (idempotent on its source)."""
    source_type = ContentType.objects.get_for_model(ControlCheck)
    base = timezone.localdate(check.reviewed_at) if check.reviewed_at else timezone.localdate()
    action, _created = FollowUpAction.objects.get_or_create(
        source_type=source_type,
        source_id=check.pk,
        defaults={
            "title": _("Herstel %(control)s: %(result)s")
            % {"control": check.control.code, "result": check.get_result_display().lower()},
            "description": check.conclusion or check.review_note,
            "owner_id": check.control.owner_id,
            "due_date": base + timedelta(days=settings.FOLLOW_UP_DAYS),
        },
    )
    return action
