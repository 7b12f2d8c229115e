"""Lists that fit the task: "Mijn controles" 50 a page, most urgent first, filterable on overdue
and this month, people by full name; the long workshop lists paginated too; admin lists show
owners by name."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from compliance.models import CheckStatus, Control, ControlCheck, Frequency
from privacy.models import Registration, WorkshopSeries, WorkshopSession


@pytest.fixture
def control(db, make_user) -> Control:  # type: ignore[no-untyped-def]
    # started today: the generator adds no checks of its own in the past
    return Control.objects.create(
        code="LR-900",
        title="Toegang",
        owner=make_user(None),
        frequency=Frequency.YEARLY,
        test_method="Lijst",
        start_date=timezone.localdate() + timedelta(days=400),
        evidence_required=False,
    )


def add_check(control: Control, owner: Any, due: date, status: str = CheckStatus.OPEN, n: int = 0) -> ControlCheck:
    # distinct periods (one check per control and period) that contain the due date
    start = due - timedelta(days=1000 + n)
    review = {"reviewed_by": control.owner, "result": "effective"} if status == CheckStatus.ACCEPTED else {}
    return ControlCheck.objects.create(
        control=control, owner=owner, period_start=start, period_end=due, due_date=due, status=status, **review
    )


def rows(html: str) -> list[str]:
    return re.findall(r'<a href="/checks/(\d+)/">', html)


def test_my_checks_puts_the_most_urgent_first(client, employee, control) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    accepted = add_check(control, employee, today - timedelta(days=90), CheckStatus.ACCEPTED, 1)
    submitted = add_check(control, employee, today - timedelta(days=60), CheckStatus.SUBMITTED, 2)
    later = add_check(control, employee, today + timedelta(days=30), n=3)
    soon = add_check(control, employee, today + timedelta(days=2), n=4)
    late = add_check(control, employee, today - timedelta(days=5), CheckStatus.REJECTED, 5)
    very_late = add_check(control, employee, today - timedelta(days=50), n=6)
    client.force_login(employee)
    order = rows(client.get("/checks/mine/").content.decode())
    assert order == [str(c.pk) for c in (very_late, late, soon, later, submitted, accepted)]


def test_my_checks_is_paginated_by_fifty_and_keeps_the_filter(client, employee, control) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    for n in range(120):
        add_check(control, employee, today - timedelta(days=1 + n), n=n)
    client.force_login(employee)
    first = client.get("/checks/mine/?overdue=true").content.decode()
    assert len(rows(first)) == 50
    assert "Pagina 1 van 3 (120 regels)" in first
    assert 'href="?overdue=true&amp;page=2"' in first
    last = client.get("/checks/mine/?overdue=true&page=3").content.decode()
    assert len(rows(last)) == 20
    # a page past the end or not a number shows a real page, not an error
    assert len(rows(client.get("/checks/mine/?page=99").content.decode())) == 20
    assert len(rows(client.get("/checks/mine/?page=abc").content.decode())) == 50


def test_my_checks_filters_on_overdue_and_this_month(client, employee, control) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    first_of_month = today.replace(day=1)
    overdue = add_check(control, employee, first_of_month - timedelta(days=1), n=1)  # last month
    this_month = add_check(control, employee, today, n=2)
    next_month = add_check(control, employee, (first_of_month + timedelta(days=32)).replace(day=5), n=3)
    client.force_login(employee)
    assert rows(client.get("/checks/mine/?overdue=true").content.decode()) == [str(overdue.pk)]
    month = rows(client.get("/checks/mine/?this_month=true").content.decode())
    assert str(this_month.pk) in month and str(overdue.pk) not in month and str(next_month.pk) not in month


def test_a_bad_filter_value_says_so_and_filters_nothing_away(client, employee, control) -> None:  # type: ignore[no-untyped-def]
    check = add_check(control, employee, timezone.localdate(), n=1)
    client.force_login(employee)
    response = client.get("/checks/mine/?overdue=misschien")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Deze filterwaarde bestaat niet" in body
    assert rows(body) == [str(check.pk)]


def test_my_checks_shows_owners_by_full_name_and_only_mine(client, employee, control, make_user) -> None:  # type: ignore[no-untyped-def]
    colleague = make_user(None, username="kbakker", first_name="Kees", last_name="Bakker")
    shared = add_check(control, colleague, timezone.localdate(), n=1)
    shared.evidence_owner = employee
    shared.save()
    add_check(control, colleague, timezone.localdate(), n=2)  # not mine
    client.force_login(employee)
    body = client.get("/checks/mine/").content.decode()
    assert rows(body) == [str(shared.pk)]
    assert "Kees Bakker" in body and "kbakker" not in body


def test_the_check_admin_lists_owners_by_full_name(client, security_officer, control, make_user) -> None:  # type: ignore[no-untyped-def]
    owner = make_user(None, username="pjansen", first_name="Pieter", last_name="Jansen")
    add_check(control, owner, timezone.localdate(), n=1)
    client.force_login(security_officer)
    body = client.get("/admin/compliance/controlcheck/").content.decode()
    assert "Pieter Jansen" in body and "pjansen" not in body
    # and the column still sorts
    assert client.get("/admin/compliance/controlcheck/?o=7").status_code == 200


# --- the workshop lists ---------------------------------------------------------------


@pytest.fixture
def series(db, make_user) -> WorkshopSeries:  # type: ignore[no-untyped-def]
    return WorkshopSeries.objects.create(
        name="AVG",
        slug="avg",
        kind=WorkshopSeries.Kind.AVG,
        first_start=timezone.now(),
        recurrence="",
        duration_minutes=60,
        location="Den Haag",
        capacity=10,
        organizer=make_user(None),
    )


def sessions(series: WorkshopSeries, count: int, sign: int) -> list[WorkshopSession]:
    now = timezone.now()
    return [
        WorkshopSession.objects.create(
            series=series,
            starts_at=now + sign * timedelta(days=n + 1),
            ends_at=now + sign * timedelta(days=n + 1) + timedelta(hours=1),
            capacity=10,
            location="Den Haag",
        )
        for n in range(count)
    ]


def test_the_workshop_calendar_is_paginated(client, employee, series) -> None:  # type: ignore[no-untyped-def]
    sessions(series, 55, +1)
    client.force_login(employee)
    first = client.get("/workshops/").content.decode()
    assert first.count('<tr id="sessie-') == 50
    assert client.get("/workshops/?page=2").content.decode().count('<tr id="sessie-') == 5


def test_past_registrations_are_paginated_newest_first(client, employee, series) -> None:  # type: ignore[no-untyped-def]
    past = sessions(series, 60, -1)
    for session in past:
        Registration.objects.create(session=session, user=employee, attendance="attended")
    client.force_login(employee)
    body = client.get("/workshops/mijn-inschrijvingen/").content.decode()
    assert "Pagina 1 van 2 (60 regels)" in body
    assert body.index(timezone.localtime(past[0].starts_at).strftime("%Y")) > 0


def test_the_late_list_is_paginated(client, workshop_coordinator, make_user) -> None:  # type: ignore[no-untyped-def]
    for _ in range(55):
        make_user(None, start_date=date(2020, 1, 1))
    client.force_login(workshop_coordinator)
    body = client.get("/workshops/voortgang/").content.decode()
    assert "Pagina 1 van 2" in body
