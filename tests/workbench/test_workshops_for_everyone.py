"""Every employee, whatever their role, sees the workshop calendar, registers, cancels and
downloads the invitation; attendance is recorded only for a session that started and was not
cancelled, whichever door (service, admin, inline, API) it comes through."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from privacy import workshops
from privacy.models import Registration, WorkshopSeries, WorkshopSession
from tests.conftest import ROLE_FIXTURES

EVERYONE = [*ROLE_FIXTURES, "outsider"]


@pytest.fixture
def series(db, make_user) -> WorkshopSeries:  # type: ignore[no-untyped-def]
    return WorkshopSeries.objects.create(
        name="AVG-workshop",
        slug="avg",
        kind=WorkshopSeries.Kind.AVG,
        first_start=datetime(2021, 1, 11, 10, tzinfo=timezone.get_current_timezone()),
        recurrence="",
        duration_minutes=120,
        location="Den Haag",
        capacity=10,
        organizer=make_user(None),
    )


def make_session(series: WorkshopSeries, days: float, **fields: Any) -> WorkshopSession:
    starts_at = timezone.now() + timedelta(days=days)
    return WorkshopSession.objects.create(
        series=series,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        capacity=10,
        location="Den Haag",
        **fields,
    )


@pytest.mark.parametrize("role", EVERYONE)
def test_every_role_does_its_own_workshop_from_start_to_finish(role, request, client, series) -> None:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(role)
    session = make_session(series, 10)
    client.force_login(user)
    assert 'href="/workshops/"' in client.get("/workshops/mijn-inschrijvingen/").content.decode()
    calendar = client.get("/workshops/")
    assert calendar.status_code == 200
    assert f'action="/workshops/sessies/{session.pk}/inschrijven/"' in calendar.content.decode()

    response = client.post(f"/workshops/sessies/{session.pk}/inschrijven/", follow=True)
    assert "U bent ingeschreven" in response.content.decode()
    registration = Registration.objects.get(session=session, user=user)
    assert registration.status == Registration.Status.REGISTERED

    mine = client.get("/workshops/mijn-inschrijvingen/").content.decode()
    assert f"/workshops/inschrijvingen/{registration.pk}/uitnodiging.ics" in mine
    ics = client.get(f"/workshops/inschrijvingen/{registration.pk}/uitnodiging.ics")
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content

    client.post(f"/workshops/inschrijvingen/{registration.pk}/afmelden/")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_a_crafted_post_registers_only_yourself(client, security_officer, employee, series) -> None:  # type: ignore[no-untyped-def]
    session = make_session(series, 10)
    client.force_login(security_officer)
    client.post(f"/workshops/sessies/{session.pk}/inschrijven/", {"user": employee.pk})
    assert list(session.registrations.values_list("user", flat=True)) == [security_officer.pk]


def test_nobody_cancels_or_downloads_someone_elses_registration(client, auditor, employee, series) -> None:  # type: ignore[no-untyped-def]
    session = make_session(series, 10)
    theirs = workshops.register(session, employee)
    client.force_login(auditor)
    assert client.post(f"/workshops/inschrijvingen/{theirs.pk}/afmelden/").status_code == 404
    assert client.get(f"/workshops/inschrijvingen/{theirs.pk}/uitnodiging.ics").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Registration.Status.REGISTERED


def test_someone_who_left_the_organisation_is_refused(client, make_user, series) -> None:  # type: ignore[no-untyped-def]
    gone = make_user(None)
    gone.person.end_date = date(2021, 6, 30)
    gone.person.save()
    session = make_session(series, 10)
    client.force_login(gone)
    assert client.get("/workshops/").status_code == 403
    assert client.post(f"/workshops/sessies/{session.pk}/inschrijven/").status_code == 403
    assert not Registration.objects.exists()
    assert workshops.takes_part(gone) is False


def test_booking_does_not_make_a_role_an_editor_of_registrations(client, privacy_officer, employee, series) -> None:  # type: ignore[no-untyped-def]
    """The privacy officer books their own seat but cannot add someone else's in the admin."""
    session = make_session(series, 10)
    client.force_login(privacy_officer)
    response = client.post("/admin/privacy/registration/add/", {"session": session.pk, "user": employee.pk})
    assert response.status_code == 403
    assert not Registration.objects.exists()


# --- attendance -----------------------------------------------------------------------


def registered(session: WorkshopSession, user: Any) -> Registration:
    return Registration.objects.create(session=session, user=user)


def test_the_service_refuses_attendance_for_a_cancelled_session(series, employee, workshop_coordinator) -> None:
    session = make_session(series, -1, cancelled=True)
    registered(session, employee)
    with pytest.raises(ValidationError, match="geannuleerd"):
        workshops.mark_attendance(Registration.objects.all(), "attended", workshop_coordinator)
    assert Registration.objects.get().attendance == ""


def test_the_service_records_attendance_for_a_session_that_started(series, employee, workshop_coordinator) -> None:
    session = make_session(series, -0.01)  # started a quarter of an hour ago
    registered(session, employee)
    assert workshops.mark_attendance(Registration.objects.all(), "attended", workshop_coordinator) == 1


@pytest.mark.parametrize("days,cancelled,message", [(3, False, "nog niet begonnen"), (-1, True, "geannuleerd")])
def test_the_registration_admin_refuses_attendance_with_a_clear_error(  # type: ignore[no-untyped-def]
    client, workshop_coordinator, employee, series, days, cancelled, message
) -> None:
    registration = registered(make_session(series, days, cancelled=cancelled), employee)
    client.force_login(workshop_coordinator)
    url = f"/admin/privacy/registration/{registration.pk}/change/"
    response = client.post(url, {"attendance": "attended"})
    assert response.status_code == 200  # the form again, with the error
    assert message in response.content.decode()
    registration.refresh_from_db()
    assert registration.attendance == ""


def test_the_registration_admin_records_attendance_after_the_start(
    client, workshop_coordinator, employee, series
) -> None:  # type: ignore[no-untyped-def]
    registration = registered(make_session(series, -1), employee)
    client.force_login(workshop_coordinator)
    response = client.post(f"/admin/privacy/registration/{registration.pk}/change/", {"attendance": "attended"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.attendance == "attended"


def test_attendance_cannot_be_given_when_adding_a_registration(client, workshop_coordinator, employee, series) -> None:  # type: ignore[no-untyped-def]
    session = make_session(series, 3)
    client.force_login(workshop_coordinator)
    response = client.post(
        "/admin/privacy/registration/add/", {"session": session.pk, "user": employee.pk, "attendance": "attended"}
    )
    assert response.status_code == 200
    assert "Aanwezigheid leg je vast na de sessie" in response.content.decode()
    assert not Registration.objects.exists()


def _inline_post(session: WorkshopSession, registration: Registration, attendance: str) -> dict[str, Any]:
    local = timezone.localtime(session.starts_at)
    local_end = timezone.localtime(session.ends_at)
    return {
        "series": session.series_id,
        "starts_at_0": local.strftime("%Y-%m-%d"),
        "starts_at_1": local.strftime("%H:%M:%S"),
        "ends_at_0": local_end.strftime("%Y-%m-%d"),
        "ends_at_1": local_end.strftime("%H:%M:%S"),
        "location": session.location,
        "capacity": session.capacity,
        "cancelled": "on" if session.cancelled else "",
        "registrations-TOTAL_FORMS": "1",
        "registrations-INITIAL_FORMS": "1",
        "registrations-MIN_NUM_FORMS": "0",
        "registrations-MAX_NUM_FORMS": "1000",
        "registrations-0-id": registration.pk,
        "registrations-0-session": session.pk,
        "registrations-0-attendance": attendance,
    }


def test_the_session_page_refuses_attendance_for_a_future_session(
    client, workshop_coordinator, employee, series
) -> None:  # type: ignore[no-untyped-def]
    session = make_session(series, 3)
    registration = registered(session, employee)
    client.force_login(workshop_coordinator)
    response = client.post(
        f"/admin/privacy/workshopsession/{session.pk}/change/", _inline_post(session, registration, "attended")
    )
    assert response.status_code == 200
    assert "nog niet begonnen" in response.content.decode()
    registration.refresh_from_db()
    assert registration.attendance == ""


def test_the_session_page_records_attendance_through_the_workflow(
    client, workshop_coordinator, employee, series
) -> None:  # type: ignore[no-untyped-def]
    from core.models import Event

    session = make_session(series, -1)
    registration = registered(session, employee)
    client.force_login(workshop_coordinator)
    response = client.post(
        f"/admin/privacy/workshopsession/{session.pk}/change/", _inline_post(session, registration, "attended")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    registration.refresh_from_db()
    assert registration.attendance == "attended"
    assert Event.objects.filter(name="workshop.attendance_marked").exists()


def test_the_api_refuses_attendance_for_a_cancelled_session(api_as, workshop_coordinator, employee, series) -> None:  # type: ignore[no-untyped-def]
    registration = registered(make_session(series, -1, cancelled=True), employee)
    url = f"/api/v1/privacy/registrations/{registration.pk}/attendance/"
    response = api_as(workshop_coordinator).post(url, {"attendance": "attended"}, format="json")
    assert response.status_code == 400
    assert "geannuleerd" in str(response.json())
    registration.refresh_from_db()
    assert registration.attendance == ""
