"""Workshops: registering, the waiting list, cancelling, attendance, sessions ahead of
time, and the training duty of every employee (BIO2 6.03.02)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import log_event
from core.moments import event_details, event_moment
from organisation.models import Person

from .models import Registration, WorkshopSeries, WorkshopSession

Status = Registration.Status


def takes_part(user: Any) -> bool:
    """Every employee has the workshop duty, whatever else they do (security officer, auditor,
    ...): every active account may see the calendar and register, cancel and download the
    invitation for themselves. Not someone whose employment has ended."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    person = Person.objects.filter(user=user).only("end_date").first()
    return person is None or person.end_date is None or person.end_date >= timezone.localdate()


def _send(registration: Registration, method: str) -> None:
    from .invitations import send_invitation

    send_invitation.delay_on_commit(registration.pk, method)


def _locked_session(session: WorkshopSession) -> WorkshopSession:
    """Lock the session row: two people taking the last seat at once must not both get it."""
    return WorkshopSession.objects.select_for_update().select_related("series").get(pk=session.pk)


def _check_bookable(session: WorkshopSession, now: datetime) -> None:
    if session.cancelled:
        raise ValidationError(_("Deze sessie is geannuleerd"))
    if session.starts_at <= now:
        raise ValidationError(_("Deze sessie is al begonnen"))


def _existing(session: WorkshopSession, user: Any) -> Registration | None:
    existing = Registration.objects.filter(session=session, user=user).first()
    if existing and existing.status != Status.CANCELLED:
        raise ValidationError(
            _("U bent al ingeschreven voor deze sessie")
            if existing.status == Status.REGISTERED
            else _("U staat al op de wachtlijst van deze sessie")
        )
    return existing


def _save(
    existing: Registration | None, session: WorkshopSession, user: Any, status: str, at: datetime | None = None
) -> Registration:
    at = at or timezone.now()
    if existing is None:
        return Registration.objects.create(session=session, user=user, status=status, registered_at=at)
    existing.status = status
    existing.cancelled_at = None
    existing.registered_at = at
    existing.sequence += 1
    existing.save()
    return existing


def registered_count(session: WorkshopSession) -> int:
    return session.registrations.filter(status=Status.REGISTERED).count()


def _registration_moment(session: WorkshopSession, at: datetime | None, late_reason: str) -> tuple[datetime, dict]:
    """The moment of a registration (default now: not in the future, more than a day ago only
    with a reason) and what the history records beside it. The session must have been
    bookable at that moment."""
    now = timezone.now()
    if at is None:
        return now, {}
    moment = event_moment(at, field="registered_at", reason=late_reason, reason_field="late_reason", now=now)
    if session.starts_at <= moment:
        raise ValidationError({"registered_at": _("De sessie was op dat moment al begonnen")})
    return moment, event_details(moment, late_reason, now)


@transaction.atomic
def register(
    session: WorkshopSession, user: Any, actor: Any = None, at: datetime | None = None, late_reason: str = ""
) -> Registration:
    """Take a seat. Refused when the session is full: joining the waiting list is a
    separate, explicit choice (`join_waiting_list`). `at`: when the registration really took
    place (default now; see core.moments.event_moment)."""
    session = _locked_session(session)
    at, details = _registration_moment(session, at, late_reason)
    _check_bookable(session, at)
    existing = _existing(session, user)
    if registered_count(session) >= session.capacity:
        if session.series.waiting_list:
            raise ValidationError(_("Deze sessie is vol. U kunt zich op de wachtlijst zetten"))
        raise ValidationError(_("Deze sessie is vol en heeft geen wachtlijst"))
    registration = _save(existing, session, user, Status.REGISTERED, at)
    log_event(registration, "workshop.registered", actor=actor or user, **details)
    _send(registration, "REQUEST")
    return registration


@transaction.atomic
def join_waiting_list(
    session: WorkshopSession, user: Any, actor: Any = None, at: datetime | None = None, late_reason: str = ""
) -> Registration:
    """Join the waiting list of a full session (with seats left, this registers at once)."""
    session = _locked_session(session)
    at, details = _registration_moment(session, at, late_reason)
    _check_bookable(session, at)
    if not session.series.waiting_list:
        raise ValidationError(_("Deze reeks heeft geen wachtlijst"))
    existing = _existing(session, user)
    if registered_count(session) < session.capacity:
        registration = _save(existing, session, user, Status.REGISTERED, at)
        _send(registration, "REQUEST")
    else:
        registration = _save(existing, session, user, Status.WAITING, at)
    log_event(registration, f"workshop.{registration.status}", actor=actor or user, **details)
    return registration


@transaction.atomic
def cancel(registration: Registration, actor: Any = None) -> Registration:
    """Cancel a registration; the first on the waiting list takes the freed seat."""
    session = _locked_session(registration.session)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Status.CANCELLED:
        raise ValidationError(_("Deze inschrijving is al afgemeld"))
    if session.starts_at <= timezone.now():
        raise ValidationError(_("De sessie is al begonnen; afmelden kan niet meer"))
    was_registered = registration.status == Status.REGISTERED
    registration.status = Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.sequence += 1
    registration.save()
    log_event(registration, "workshop.cancelled", actor=actor)
    if was_registered:
        _send(registration, "CANCEL")
        promote_waiting(session)
    return registration


def promote_waiting(session: WorkshopSession) -> list[Registration]:
    """Fill free seats from the waiting list, oldest first (call with the session locked)."""
    free = session.capacity - registered_count(session)
    promoted = list(session.registrations.filter(status=Status.WAITING).order_by("registered_at", "pk")[: max(free, 0)])
    for registration in promoted:
        registration.status = Status.REGISTERED
        registration.save()
        log_event(registration, "workshop.promoted_from_waiting_list")
        _send(registration, "REQUEST")
    return promoted


# Changing these fields of a session changes the attendees' calendar entries.
CALENDAR_FIELDS = {"starts_at", "ends_at", "location", "cancelled"}


@transaction.atomic
def session_changed(session: WorkshopSession, changed: set[str], actor: Any = None) -> int:
    """After a session's time, place or cancellation changed: raise the calendar SEQUENCE
    and send every registered attendee an updated invitation (or a cancellation)."""
    if not changed & CALENDAR_FIELDS:
        return 0
    session = _locked_session(session)
    session.sequence += 1
    session.save(update_fields=["sequence"])
    method = "CANCEL" if session.cancelled else "REQUEST"
    registrations = list(session.registrations.filter(status=Status.REGISTERED))
    for registration in registrations:
        registration.sequence += 1
        registration.save(update_fields=["sequence"])
        _send(registration, method)
    log_event(session, "workshop.session_changed", actor=actor, fields=sorted(changed & CALENDAR_FIELDS))
    return len(registrations)


def check_attendance(registration: Registration, now: datetime | None = None) -> None:
    """Attendance is recorded only for a registered seat at a session that has started and
    was not cancelled."""
    now = now or timezone.now()
    if registration.status != Status.REGISTERED:
        raise ValidationError(_("%(r)s is niet ingeschreven; aanwezigheid kan niet") % {"r": registration})
    if registration.session.cancelled:
        raise ValidationError(
            _("%(r)s: de sessie is geannuleerd; aanwezigheid kan niet worden vastgelegd") % {"r": registration}
        )
    if registration.session.starts_at > now:
        raise ValidationError(_("%(r)s: de sessie is nog niet begonnen") % {"r": registration})


@transaction.atomic
def mark_attendance(registrations: Any, attendance: str, actor: Any = None) -> int:
    """Mark attended / absent / excused for registrations of sessions that have started and
    were not cancelled."""
    if attendance not in Registration.Attendance.values or not attendance:
        raise ValidationError(_("Onbekende aanwezigheid"))
    now = timezone.now()
    rows = list(registrations.select_related("session"))
    for registration in rows:
        check_attendance(registration, now)
    for registration in rows:
        registration.attendance = attendance
        registration.save(update_fields=["attendance"])
    if rows:
        log_event(rows[0].session, "workshop.attendance_marked", actor=actor, attendance=attendance, count=len(rows))
    return len(rows)


def upcoming_sessions(now: datetime | None = None) -> Any:
    """The sessions the calendar offers: not started, not cancelled, of an active series."""
    return (
        WorkshopSession.objects.filter(starts_at__gt=now or timezone.now(), cancelled=False, series__active=True)
        .select_related("series")
        .with_seats()
    )


def needs_attendance(sessions: Any, now: datetime | None = None) -> Any:
    """Of `sessions`: those that started, were not cancelled and still have a registered
    attendee whose attendance is not recorded."""
    waiting = Registration.objects.filter(status=Status.REGISTERED, attendance="").values("session_id")
    return sessions.filter(starts_at__lte=now or timezone.now(), cancelled=False, pk__in=waiting)


def my_registrations(user: Any, now: datetime | None = None) -> tuple[Any, Any]:
    """The user's registrations, split into (upcoming, soonest first; past, latest first) as
    "Mijn inschrijvingen" shows them."""
    now = now or timezone.now()
    registrations = Registration.objects.filter(user=user).select_related("session__series")
    upcoming = registrations.filter(session__starts_at__gt=now).order_by("session__starts_at", "pk")
    past = registrations.filter(session__starts_at__lte=now).order_by("-session__starts_at", "-pk")
    return upcoming, past


def create_sessions(start: datetime, end: datetime) -> int:
    """Create the sessions of every active series between `start` and `end`; idempotent."""
    created = 0
    for series in WorkshopSeries.objects.filter(active=True).exclude(recurrence=""):
        for moment in series.occurrences(start, end):
            _session, was_created = WorkshopSession.objects.get_or_create(
                series=series,
                starts_at=moment,
                defaults={
                    "ends_at": moment + timedelta(minutes=series.duration_minutes),
                    "location": series.location,
                    "capacity": series.capacity,
                },
            )
            created += was_created
    return created


def create_sessions_ahead(now: datetime | None = None) -> int:
    now = now or timezone.now()
    return create_sessions(now, now + timedelta(days=settings.PRIVACY_WORKSHOP_HORIZON_DAYS))


# --- duty -----------------------------------------------------------------------------


@dataclass
class Duty:
    person: Person
    onboarding_due: date
    onboarding_done_on: date | None
    avg_last_on: date | None
    avg_due: date
    today: date
    onboarding_exempt: bool = False  # started before the onboarding programme began

    @property
    def onboarding_owed(self) -> bool:
        return not self.onboarding_exempt and self.onboarding_done_on is None

    @property
    def onboarding_overdue(self) -> bool:
        return self.onboarding_owed and self.onboarding_due < self.today

    @property
    def avg_overdue(self) -> bool:
        return self.avg_due < self.today

    @property
    def overdue(self) -> bool:
        return self.onboarding_overdue or self.avg_overdue


def _attendance_by_user(user_ids: list[int], until: date) -> dict[tuple[int, str], tuple[date, date]]:
    """(user, kind) -> (first, last) date attended, up to `until`."""
    rows = (
        Registration.objects.filter(
            user_id__in=user_ids,
            attendance=Registration.Attendance.ATTENDED,
            session__starts_at__date__lte=until,
        )
        .values("user_id", "session__series__kind")
        .annotate(first=Min("session__starts_at"), last=Max("session__starts_at"))
    )
    return {
        (row["user_id"], row["session__series__kind"]): (
            timezone.localtime(row["first"]).date(),
            timezone.localtime(row["last"]).date(),
        )
        for row in rows
    }


def active_people(today: date) -> Any:
    return (
        Person.objects.filter(start_date__lte=today, user__is_active=True)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("user", "department", "manager__user")
    )


def duties(today: date | None = None, people: Any = None) -> list[Duty]:
    """The training duty of each person (default: everyone employed today)."""
    today = today or timezone.localdate()
    people = list(active_people(today) if people is None else people)
    attended = _attendance_by_user([p.user_id for p in people], today)
    onboarding_months = relativedelta(months=settings.PRIVACY_ONBOARDING_WITHIN_MONTHS)
    avg_months = relativedelta(months=settings.PRIVACY_AVG_WORKSHOP_EVERY_MONTHS)
    required_from = date.fromisoformat(settings.PRIVACY_ONBOARDING_REQUIRED_FROM)
    result = []
    for person in people:
        onboarding = attended.get((person.user_id, WorkshopSeries.Kind.ONBOARDING))
        avg = attended.get((person.user_id, WorkshopSeries.Kind.AVG))
        avg_last = avg[1] if avg else None
        result.append(
            Duty(
                person=person,
                onboarding_due=person.start_date + onboarding_months,
                onboarding_done_on=onboarding[0] if onboarding else None,
                avg_last_on=avg_last,
                avg_due=(avg_last or person.start_date) + avg_months,
                today=today,
                onboarding_exempt=person.start_date < required_from,
            )
        )
    return result


def overdue(today: date | None = None) -> list[Duty]:
    return [duty for duty in duties(today) if duty.overdue]


def completion_per_department(today: date | None = None) -> list[dict[str, Any]]:
    """Per department: people, onboarding and AVG duty met or overdue, and the share complete."""
    rows: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"people": 0, "onboarding_overdue": 0, "avg_overdue": 0, "complete": 0}
    )
    for duty in duties(today):
        row = rows[duty.person.department.name]
        row["people"] += 1
        row["onboarding_overdue"] += duty.onboarding_overdue
        row["avg_overdue"] += duty.avg_overdue
        row["complete"] += not duty.overdue
    return [
        {"department": name, **row, "percentage": round(100 * row["complete"] / row["people"], 1)}
        for name, row in sorted(rows.items())
    ]
