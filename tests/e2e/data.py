"""Records the journeys start from, on top of the demo (load_demo): found or made once per
session through the same service functions the pages use."""

from __future__ import annotations

from django.contrib.auth import get_user_model

IDS: dict[str, int] = {}


def _open_check_of(username: str, exclude: set[int]) -> int:
    from compliance.models import CheckStatus, ControlCheck

    user = get_user_model().objects.get(username=username)
    check = (
        ControlCheck.objects.assigned_to(user)
        .filter(status=CheckStatus.OPEN)
        .exclude(pk__in=exclude)
        .order_by("-due_date", "pk")
        .first()
    )
    assert check is not None, f"the demo has no open check for {username}"
    return check.pk


def prepare() -> None:
    from compliance.controls import submit_check
    from compliance.evidence import add_evidence
    from compliance.models import CheckResult, ControlCheck

    User = get_user_model()
    # Medewerker: an open check of theirs to add evidence to and submit.
    IDS["employee_check"] = _open_check_of("medewerker", set())
    # Security officer: a check that another officer (directeur) submitted, waiting for review.
    directeur = User.objects.get(username="directeur")
    pk = _open_check_of("directeur", {IDS["employee_check"]}) if _has_open("directeur") else None
    if pk is None:
        pk = _any_open_check({IDS["employee_check"]})
    check = ControlCheck.objects.get(pk=pk)
    add_evidence(check, directeur, note="Kwetsbaarhedenscan uitgevoerd: geen kritieke bevindingen.")
    submit_check(check, directeur, CheckResult.EFFECTIVE, "Scan uitgevoerd, geen kritieke bevindingen.")
    IDS["submitted_check"] = pk
    prepare_workshops()


def _has_open(username: str) -> bool:
    from compliance.models import CheckStatus, ControlCheck

    return (
        ControlCheck.objects.assigned_to(get_user_model().objects.get(username=username))
        .filter(status=CheckStatus.OPEN)
        .exists()
    )


def _any_open_check(exclude: set[int]) -> int:
    from compliance.models import CheckStatus, ControlCheck

    return ControlCheck.objects.filter(status=CheckStatus.OPEN).exclude(pk__in=exclude).order_by("-due_date").first().pk


def prepare_workshops() -> None:
    """A session that started an hour ago with two registered people (attendance is recorded
    after the start) and one next week with one."""
    from datetime import timedelta

    from django.utils import timezone

    from privacy.models import Registration, WorkshopSeries, WorkshopSession

    now = timezone.now().replace(second=0, microsecond=0)
    series = WorkshopSeries.objects.filter(kind="avg").order_by("pk").first() or WorkshopSeries.objects.first()
    session = WorkshopSession.objects.create(
        series=series,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
        location="Den Haag, zaal 4.12",
        capacity=12,
    )
    for username in ("teamleider", "directeur"):
        Registration.objects.create(session=session, user=get_user_model().objects.get(username=username))
    IDS["started_session"] = session.pk
    # and one next week, for which no attendance can be recorded yet
    upcoming = WorkshopSession.objects.create(
        series=series,
        starts_at=now + timedelta(days=7),
        ends_at=now + timedelta(days=7, hours=3),
        location="Den Haag, zaal 4.12",
        capacity=12,
    )
    Registration.objects.create(session=upcoming, user=get_user_model().objects.get(username="teamleider"))
    IDS["upcoming_session"] = upcoming.pk
